/**
 * Helpers the checks of several targets share and that belong to none of them: what {@code /proc}
 * says about processes and sockets ({@link dev.kindling.tck.support.Procs}) and the driver's
 * {@code portable_hash} recomputed from the spec's formula
 * ({@link dev.kindling.tck.support.PortableHash}).
 */
package dev.kindling.tck.support;
