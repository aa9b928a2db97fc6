/**
 * MISSRec (Wang et al., "MISSRec: Pre-training and Transferring Multi-modal Interest-aware Sequence
 * Representation for Recommendation", ACM MM 2023, arXiv 2308.11175) on DJL: modality adapters,
 * interest discovery (per-sequence DPC-KNN by default, the released code's global mini-batch k-means
 * as an option, and an incremental DPC-KNN for the stream), an interest encoder and interest-aware
 * decoder, dynamic modality fusion, contrastive pre-training and parameter-efficient fine-tuning,
 * inductive (content only, new items served at once) and transductive (+ item IDs) modes.
 */
package dev.streamrec.model.missrec;
