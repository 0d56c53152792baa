package io.lambdascope.processor.state;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBufferManager;

/**
 * Caps RocksDB's off-heap memory for all persistent stores of the process (the dedup window and
 * the finalized markers, each a few segments per task): one shared 64 MiB block cache that also
 * accounts for the memtables, instead of Kafka Streams' 50 MiB cache and 48 MiB of memtables per
 * segment.
 */
public final class BoundedRocksDbConfig implements RocksDBConfigSetter {
  static final long TOTAL_BYTES = 64L << 20;
  static final long MEMTABLE_BYTES = 16L << 20;
  private static final Cache CACHE;
  private static final WriteBufferManager WRITE_BUFFERS;

  static {
    RocksDB.loadLibrary();
    CACHE = new LRUCache(TOTAL_BYTES, -1, false, 0.1);
    WRITE_BUFFERS = new WriteBufferManager(MEMTABLE_BYTES, CACHE);
  }

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
    table.setBlockCache(CACHE);
    table.setCacheIndexAndFilterBlocks(true);
    table.setPinTopLevelIndexAndFilter(true);
    options.setWriteBufferManager(WRITE_BUFFERS);
    options.setWriteBufferSize(4L << 20);
    options.setMaxWriteBufferNumber(2);
    options.setTableFormatConfig(table);
  }

  @Override
  public void close(String storeName, Options options) {
    // The cache and write buffer manager are shared by every store of the process: never closed here.
  }
}
