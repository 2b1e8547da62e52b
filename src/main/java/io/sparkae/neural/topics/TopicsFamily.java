package io.sparkae.neural.topics;

import io.sparkae.core.Family;
import java.util.Set;

/** {@code sparkae fit topics}: the ProdLDA topic model, a VAE over word counts. */
public final class TopicsFamily extends Family.Of {
  public TopicsFamily() {
    super("topics", "Topic model as a probabilistic autoencoder (ProdLDA, Srivastava and Sutton 2017): encoder to a "
        + "logistic-normal posterior over K topics, decoder softmax(W theta + b) with a multinomial likelihood. Input: "
        + "count vectors, e.g. --format reuters|text|text-folder (options vocabSize, minDF, maxDF, vocabulary, "
        + "stopWords). Writes topics.txt and vocabulary.txt beside the model.", TopicModel::new,
        Set.of(Uses.SGD_TRAINER, Uses.VARIATIONAL), """
        --k          | k                | number of topics
        --alpha      | docConcentration | Dirichlet prior concentration on topic proportions
        --batch-norm | batchNorm        | batch normalisation (no learned scale) of the encoder's mu and \
        log-variance and of the decoder's logits, ProdLDA's remedy against unused topics (--no-batch-norm: off)
        """);
  }
}
