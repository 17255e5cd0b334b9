/**
 * What a worker writes back for one task (WRK-6, WRK-7): the streaming
 * {@link dev.kindling.protocol.output.WorkerOutputDecoder} the bridge runs on a worker socket (it
 * never reads past the reuse reply), its events, the whole-output model
 * {@link dev.kindling.protocol.output.WorkerOutput} and the
 * {@link dev.kindling.protocol.output.WorkerOutputEncoder} fake workers use.
 */
package dev.kindling.protocol.output;
