/**
 * Data from and to files, and the record framing. {@link Sources} builds the datasets whose data
 * comes from outside the lineage: {@link TextFileDataset} (Hadoop's splits, lines by
 * {@link LineReader}), {@link WholeTextFilesDataset}, {@link FrameFileDataset} and the frames of
 * {@code parallelize} from a file; {@link FileOutputCommitter} writes part files with Hadoop's
 * commit protocol; {@link WireFormat} is the {@code i32 length | bytes} framing that frame files and
 * the one-shot sockets share.
 */
package dev.kindling.engine.io;
