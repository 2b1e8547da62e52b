package io.sparkae.neural;

import io.sparkae.core.Seeds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Greedy layer-wise pretraining of a stacked autoencoder (Bengio et al. 2007; Hinton and Salakhutdinov 2006;
 * Vincent et al. 2010): for encoder sizes (d, h_1, ..., h_m), stage i trains a shallow autoencoder
 * h_i -&gt; h_{i+1} -&gt; h_i (h_0 = d) on the codes of stage i - 1 with the {@link AveragingTrainer}, and its
 * encoder and decoder become layers i and L-1-i of the deep network, which is then fine-tuned end to end. Stage 0
 * uses the network's loss and output activation, later stages the squared error on the previous codes with the
 * hidden activation; top-k and the L1 penalty apply at the last stage, where the code is.
 */
public final class GreedyPretrainer {
  private static final Logger LOG = LoggerFactory.getLogger(GreedyPretrainer.class);

  private GreedyPretrainer() {}

  /** The shallow network of stage i. */
  static Architecture stage(Architecture full, int i) {
    int m = full.codeLayer();
    int layers = full.layers();
    boolean last = i == m - 1;
    Activation enc = full.activation(i);
    Activation dec = full.activation(layers - 1 - i);
    return new Architecture(new int[] {full.size(i), full.size(i + 1)}, enc, enc, dec,
        i == 0 ? full.loss() : Loss.SQUARED_ERROR, full.tied(), last ? full.topK() : 0, last ? full.l1() : 0);
  }

  /** Initial parameters of the deep network from {@code epochs} epochs per stage on cached {@code blocks}. */
  public static float[] pretrain(Architecture full, TrainingConfig cfg, int epochs, JavaRDD<FloatBlock> blocks) {
    float[] deep = new Network(full).initialize(Seeds.derive(cfg.seed, "init"));
    int m = full.codeLayer();
    JavaRDD<FloatBlock> input = blocks;
    List<JavaRDD<FloatBlock>> owned = new ArrayList<>();
    try {
      for (int i = 0; i < m; i++) {
        Architecture a = stage(full, i);
        Network net = new Network(a);
        LOG.info("greedy pretraining stage {}/{}: {}", i + 1, m, a);
        TrainingConfig stageCfg = new TrainingConfig(cfg.batchSize, cfg.averagingFrequency, cfg.optimizer,
            cfg.learningRate, cfg.learningRateDecay, cfg.decayEvery, cfg.weightDecay, cfg.inputDropout,
            cfg.inputNoise, Seeds.derive(cfg.seed, "stage-" + i));
        float[] p = new AveragingTrainer(net, stageCfg, epochs).fit(input, null, null).params;
        copy(p, a.weightOffset(0), deep, full.weightOffset(i), a.size(0) * a.size(1));
        copy(p, a.biasOffset(0), deep, full.biasOffset(i), a.size(1));
        int mirror = full.layers() - 1 - i;
        if (!full.tied()) {
          copy(p, a.weightOffset(1), deep, full.weightOffset(mirror), a.size(0) * a.size(1));
        }
        copy(p, a.biasOffset(1), deep, full.biasOffset(mirror), a.size(0));
        if (i < m - 1) {
          input = encode(input, net, p);
          owned.add(input);
        }
      }
      return deep;
    } finally {
      for (JavaRDD<FloatBlock> r : owned) {
        r.unpersist(false);
      }
    }
  }

  private static void copy(float[] src, int from, float[] dst, int to, int len) {
    System.arraycopy(src, from, dst, to, len);
  }

  /** The codes of a shallow network for every cached block, cached in turn. */
  private static JavaRDD<FloatBlock> encode(JavaRDD<FloatBlock> blocks, Network net, float[] p) {
    int h = net.architecture().codeSize();
    JavaRDD<FloatBlock> out = blocks.map(b -> {
      Network.Workspace ws = net.workspace(Math.max(1, b.size));
      System.arraycopy(b.values, 0, ws.acts[0], 0, b.size * b.dim);
      net.forward(p, ws, b.size, 0, 1);
      return new FloatBlock(h, b.size, Arrays.copyOf(ws.acts[1], h * b.size));
    }).persist(StorageLevel.MEMORY_AND_DISK());
    out.count();
    return out;
  }
}
