/**
 * Primitive wire types of the worker protocol (WRK-1): {@link dev.kindling.protocol.io.WireReader}
 * reads big-endian i32/i64, bool, utf and blob from an {@link java.io.InputStream} with bounds and
 * truncation errors that name the rule and the field; {@link dev.kindling.protocol.io.WireWriter}
 * writes them. Neither buffers, so a socket stream can be shared with the next reader.
 * {@link dev.kindling.protocol.io.Files2} is the recursive delete every module's scratch
 * directories share (the engine's, the TCK's, the bridge test kit's).
 */
package dev.kindling.protocol.io;
