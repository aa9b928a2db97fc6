package dev.streamrec.jobs;

import dev.streamrec.jobs.scoring.ScoredEvent;
import dev.streamrec.jobs.sources.RawRecord;
import dev.streamrec.schema.event.DeadLetter;
import dev.streamrec.schema.event.EvalMetrics;
import dev.streamrec.schema.event.SharedCounts;
import dev.streamrec.schema.event.UserDeletionConfirmation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;

/**
 * What {@link RecommenderJob} reads and writes: its three sources and its sinks. A deployment reads
 * and writes Kafka ({@link KafkaJobIo}); a test may pass in-memory sources and collecting sinks.
 */
public interface JobIo {

    /** The raw interactions, one record per event as received. */
    Source<RawRecord, ?, ?> interactions();

    /** Item features, model updates and shared counts in one source (read by one subtask). */
    Source<RawRecord, ?, ?> control();

    /** Requests to forget a user, one record per request as received. */
    Source<RawRecord, ?, ?> userDeletions();

    /** Where {@code stage} ("events", "control", "deletions", "scoring") sends what it rejects. */
    Sink<DeadLetter> deadLetters(String stage);

    /** The predictions, one per event and model. */
    Sink<ScoredEvent> predictions();

    /** What each scoring subtask's users add to shared counts, read back by the control source. */
    Sink<SharedCounts> sharedCounts();

    /** One confirmation per deletion request, once the job dropped the user. */
    Sink<UserDeletionConfirmation> deletionConfirmations();

    /** Windowed and running evaluation metrics and the champion comparisons. */
    Sink<EvalMetrics> evalMetrics();
}
