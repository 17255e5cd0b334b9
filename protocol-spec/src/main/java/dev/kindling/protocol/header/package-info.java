/**
 * The task header the JVM writes before a task's input (WRK-4), for the spark-3.5, spark-4.1,
 * spark-4.2 and spark-4.3 (init message) profiles: the model ({@link dev.kindling.protocol.header.TaskHeader},
 * {@link dev.kindling.protocol.header.TaskContextInfo},
 * {@link dev.kindling.protocol.header.BroadcastSection}) and
 * {@link dev.kindling.protocol.header.TaskHeaderCodec}.
 */
package dev.kindling.protocol.header;
