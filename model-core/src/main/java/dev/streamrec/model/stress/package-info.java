/**
 * The {@code stress} command: many short trainings of every model family, each in a child JVM, with
 * the crashes, skipped steps and non-finite weights counted (docs/training-stability.md).
 */
package dev.streamrec.model.stress;
