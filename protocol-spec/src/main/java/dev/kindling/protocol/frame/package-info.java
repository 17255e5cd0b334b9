/**
 * Length-prefixed frames and special lengths (WRK-5): {@link dev.kindling.protocol.frame.FrameReader}
 * returns data frames and special lengths until a clean end of stream;
 * {@link dev.kindling.protocol.frame.FrameWriter} writes the JVM's input elements and its end.
 */
package dev.kindling.protocol.frame;
