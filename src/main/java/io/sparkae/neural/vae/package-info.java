/**
 * The variational autoencoder (Kingma and Welling 2014) on the averaging trainer: {@link io.sparkae.neural.vae.Vae}
 * (the objective: encoder to a diagonal Gaussian posterior, reparameterised samples, decoder to a
 * {@link io.sparkae.neural.vae.Likelihood}, closed-form KL to a {@link io.sparkae.neural.vae.Prior}, the
 * importance-weighted log-likelihood), {@link io.sparkae.neural.vae.VaeAutoencoder} (the fitted model as an
 * Autoencoder), {@link io.sparkae.neural.vae.VaeEvaluation} (distributed -ELBO and log p(x)), and the Spark ML bases
 * and pair {@link io.sparkae.neural.vae.VariationalEstimator}, {@link io.sparkae.neural.vae.VariationalModel},
 * {@link io.sparkae.neural.vae.VariationalAutoencoder}, {@link io.sparkae.neural.vae.VariationalAutoencoderModel}.
 */
package io.sparkae.neural.vae;
