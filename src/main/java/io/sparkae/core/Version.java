package io.sparkae.core;

/** The sparkae version and the model format version written into every saved model. */
public final class Version {
  private Version() {}

  public static final String SPARKAE = "0.1.0";
  /**
   * Bump when the on-disk layout of a model changes; readers refuse newer formats and keep reading older ones.
   * 2: settings saved by name, enums by name ({@link ModelData#set}); 1: settings packed into arrays, enums by
   * ordinal.
   */
  public static final int MODEL_FORMAT = 2;
}
