package io.lambdascope.processor.state;

import io.lambdascope.processor.decode.FunctionId;

/** Key encodings shared by the stores (each part a length-prefixed UTF-8 string). */
public final class Codecs {
  private Codecs() {}

  public static void write(Bin.Writer w, FunctionId id) {
    w.str(id.tenant()).str(id.account()).str(id.region()).str(id.name());
  }

  public static FunctionId readId(Bin.Reader r) {
    return new FunctionId(r.str(), r.str(), r.str(), r.str());
  }

  /** The {@code function-state} store: keyed by function, valued by {@link FunctionState#encode()}. */
  public static final ObjectStore.Codec<FunctionId, FunctionState> FUNCTION_STATE = new ObjectStore.Codec<>() {
    @Override
    public byte[] key(FunctionId key) {
      Bin.Writer w = new Bin.Writer(64);
      write(w, key);
      return w.toBytes();
    }

    @Override
    public FunctionId key(byte[] bytes) {
      return readId(new Bin.Reader(bytes));
    }

    @Override
    public byte[] value(FunctionState value) {
      return value.encode();
    }

    @Override
    public FunctionState value(byte[] bytes) {
      return FunctionState.decode(bytes);
    }
  };
}
