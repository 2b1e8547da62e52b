/**
 * A topic model as a probabilistic autoencoder: {@link io.sparkae.neural.topics.TopicModel} (ProdLDA, Srivastava
 * and Sutton 2017: a VAE over word counts with a softmax latent, a Dirichlet prior by its Laplace approximation and a
 * multinomial decoder), its model {@link io.sparkae.neural.topics.TopicModelModel}, NPMI topic coherence
 * ({@link io.sparkae.neural.topics.Coherence}) and seeded corpora drawn from LDA with planted topics
 * ({@link io.sparkae.neural.topics.SyntheticCorpus}).
 */
package io.sparkae.neural.topics;
