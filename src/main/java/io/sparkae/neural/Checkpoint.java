package io.sparkae.neural;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The trainer's state after a round, in one binary file {@code DIR/checkpoint.bin} on any Hadoop file system:
 * the round, rounds per epoch, parameters, optimizer state and the loss history. Written to a temporary file and
 * renamed, so a crash never leaves half a checkpoint. Because every step is seeded by (seed, step, partition), a fit
 * resumed from round r continues exactly as the uninterrupted fit would have.
 */
public final class Checkpoint {
  private static final int MAGIC = 0x53414531; // "SAE1"

  final int round;
  final int roundsPerEpoch;
  final float[] params;
  final float[] optimizer;
  final double[] trainLoss;
  final double[] validationLoss;

  Checkpoint(int round, int roundsPerEpoch, float[] params, float[] optimizer, double[] trainLoss,
      double[] validationLoss) {
    this.round = round;
    this.roundsPerEpoch = roundsPerEpoch;
    this.params = params;
    this.optimizer = optimizer;
    this.trainLoss = trainLoss;
    this.validationLoss = validationLoss;
  }

  static Path file(String dir) {
    return new Path(dir, "checkpoint.bin");
  }

  void write(String dir, Configuration conf) {
    Path target = file(dir);
    Path tmp = new Path(dir, ".checkpoint.bin.tmp");
    try {
      FileSystem fs = target.getFileSystem(conf);
      fs.mkdirs(new Path(dir));
      try (DataOutputStream out = fs.create(tmp, true)) {
        out.writeInt(MAGIC);
        out.writeInt(round);
        out.writeInt(roundsPerEpoch);
        writeFloats(out, params);
        writeFloats(out, optimizer);
        writeDoubles(out, trainLoss);
        writeDoubles(out, validationLoss);
      }
      fs.delete(target, false);
      if (!fs.rename(tmp, target)) {
        throw new IOException("cannot rename " + tmp + " to " + target);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the checkpoint " + target + ": " + e.getMessage(), e);
    }
  }

  /** The checkpoint in {@code dir}, or null when there is none. */
  static Checkpoint read(String dir, Configuration conf) {
    Path f = file(dir);
    try {
      FileSystem fs = f.getFileSystem(conf);
      if (!fs.exists(f)) {
        return null;
      }
      try (DataInputStream in = fs.open(f)) {
        if (in.readInt() != MAGIC) {
          throw new IllegalArgumentException("corrupt checkpoint " + f + ": not a sparkae neural checkpoint");
        }
        int round = in.readInt();
        int rpe = in.readInt();
        return new Checkpoint(round, rpe, readFloats(in), readFloats(in), readDoubles(in), readDoubles(in));
      }
    } catch (EOFException e) {
      throw new IllegalArgumentException("corrupt checkpoint " + f + ": it ends before its data does (truncated)", e);
    } catch (IOException e) {
      throw new IllegalArgumentException("corrupt checkpoint " + f + ": " + (e.getMessage() != null ? e.getMessage()
          : e.getClass().getSimpleName()), e);
    } catch (NegativeArraySizeException | OutOfMemoryError e) {
      throw new IllegalArgumentException("corrupt checkpoint " + f + ": an array length is not plausible", e);
    }
  }

  /**
   * The round and rounds per epoch of the checkpoint in {@code dir} ({@code {round, roundsPerEpoch}}), or null when
   * there is none; a corrupt file gives an IllegalArgumentException naming it.
   */
  static int[] progress(String dir, Configuration conf) {
    Checkpoint c = read(dir, conf);
    return c == null ? null : new int[] {c.round, c.roundsPerEpoch};
  }

  /** True if {@code dir} holds a checkpoint file. */
  static boolean exists(String dir, Configuration conf) {
    try {
      Path f = file(dir);
      return f.getFileSystem(conf).exists(f);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot check " + file(dir) + ": " + e.getMessage(), e);
    }
  }

  /** Deletes the checkpoint file in {@code dir} if there is one. */
  static void delete(String dir, Configuration conf) {
    try {
      Path f = file(dir);
      f.getFileSystem(conf).delete(f, false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + file(dir) + ": " + e.getMessage(), e);
    }
  }

  private static void writeFloats(DataOutputStream out, float[] v) throws IOException {
    out.writeInt(v.length);
    for (float x : v) {
      out.writeFloat(x);
    }
  }

  private static void writeDoubles(DataOutputStream out, double[] v) throws IOException {
    out.writeInt(v.length);
    for (double x : v) {
      out.writeDouble(x);
    }
  }

  private static float[] readFloats(DataInputStream in) throws IOException {
    float[] v = new float[in.readInt()];
    for (int i = 0; i < v.length; i++) {
      v[i] = in.readFloat();
    }
    return v;
  }

  private static double[] readDoubles(DataInputStream in) throws IOException {
    double[] v = new double[in.readInt()];
    for (int i = 0; i < v.length; i++) {
      v[i] = in.readDouble();
    }
    return v;
  }
}
