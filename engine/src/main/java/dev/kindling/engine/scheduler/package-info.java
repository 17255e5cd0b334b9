/**
 * Running jobs. {@link Scheduler} is the DAG and the task scheduler together: it cuts a lineage into
 * stages at shuffle dependencies, runs the missing shuffle-map stages and then the result stage as
 * {@link TaskAttempt}s on the engine's slots, retries failed tasks, resubmits after fetch failures,
 * cancels by job, group or tag ({@link JobTags}) and posts the events. {@link Actions} are the
 * dataset actions built on it (collect, count, take, toLocalIterator, save, serve);
 * {@link StageInfos} describes stages for the events.
 */
package dev.kindling.engine.scheduler;
