/**
 * What the engine reports about its work: the {@link EngineEvent}s the scheduler posts on the
 * {@link EventBus} to {@link EngineListener}s, each task's {@link TaskMetrics} (with the
 * {@link WorkerRun} of an external worker), the live counts of {@link StatusTracker}
 * ({@link JobStatus}), and {@link AppStatusStore}, the retained history of jobs, stages and tasks
 * that the web UI, the REST API and the event log read.
 */
package dev.kindling.engine.status;
