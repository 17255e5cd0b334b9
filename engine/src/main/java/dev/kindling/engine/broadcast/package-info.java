/**
 * Broadcast values as files. {@link BroadcastRegistry} takes the files the driver wrote, gives each
 * task its worker copy, and deletes copies on unpersist and everything on destroy;
 * {@link BroadcastCipher} encrypts them when {@code spark.io.encryption.enabled} is set.
 */
package dev.kindling.engine.broadcast;
