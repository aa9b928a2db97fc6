/**
 * The stress commands (docs/training-stability.md): {@code stress}, many short trainings of every
 * model family, each in a child JVM, with the crashes, skipped steps and non-finite weights counted;
 * and {@code stress-serving}, hours of serving every family in one child JVM with hot swaps, with
 * the crashes, non-finite scores, bad answers, exceptions and memory growth counted.
 */
package dev.streamrec.model.stress;
