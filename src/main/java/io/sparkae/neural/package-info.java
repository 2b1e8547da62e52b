/**
 * Neural autoencoders trained by data-parallel minibatch SGD with parameter averaging, without a deep-learning
 * framework. The trainer works on any {@link io.sparkae.neural.Objective} (a flat parameter array, its minibatch loss
 * and gradient); {@link io.sparkae.neural.SgdEstimator} and {@link io.sparkae.neural.TrainedModel} are the Spark ML
 * bases of everything it trains. The pieces, bottom up: {@link io.sparkae.neural.Architecture} (mirrored dense layers as offsets into one
 * flat float parameter array), {@link io.sparkae.neural.Network} (forward and backward on column-major minibatch
 * blocks with level-3 sgemm), {@link io.sparkae.neural.Activation}, {@link io.sparkae.neural.Loss},
 * {@link io.sparkae.neural.Optimizer} (SGD with momentum, Adam; state in flat arrays),
 * {@link io.sparkae.neural.LocalTrainer} (the per-partition step, no Spark), {@link io.sparkae.neural.AveragingTrainer}
 * (rounds of H local steps and a sample-weighted average on the RoundLoop), {@link io.sparkae.neural.GreedyPretrainer}
 * (stacked autoencoders), {@link io.sparkae.neural.Checkpoint}, and the Spark ML pair
 * {@link io.sparkae.neural.NeuralAutoencoder} / {@link io.sparkae.neural.NeuralAutoencoderModel};
 * {@link io.sparkae.neural.DenseLayers} builds the probabilistic autoencoders of {@code neural.vae} (the VAE) and
 * {@code neural.topics} (the ProdLDA topic model).
 */
package io.sparkae.neural;
