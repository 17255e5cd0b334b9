package dev.kindling.engine.dataset;

import dev.kindling.engine.EngineException;
import dev.kindling.engine.KeyedRecord;
import java.util.Iterator;

/** Payloads of keyed records (Spark's PythonRDD.valueOfPair), keeping the partitioner. */
final class ValuesDataset extends PerRecordDataset {
  ValuesDataset(Dataset parent) {
    super(parent);
  }

  @Override
  Object nextRecord(Iterator<Object> in) {
    Object o = in.next();
    if (!(o instanceof KeyedRecord k)) {
      throw new EngineException("values: expected keyed records, got " + PairwiseDataset.describe(o));
    }
    return k.payload();
  }
}
