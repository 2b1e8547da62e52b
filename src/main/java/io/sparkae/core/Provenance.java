package io.sparkae.core;

import java.io.Serializable;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkBuildInfo;

/**
 * What a fitted model came from, saved with it (after Tribuo's provenance): the estimator and its parameters,
 * the input column, how many rows of which size, the image shape when rows are images, the seconds the fit took,
 * when and with which sparkae and Spark versions. Immutable.
 *
 * @param estimator the estimator's class name
 * @param params the estimator's parameters as JSON values, by name
 * @param inputCol the input column the model was fit on
 * @param rows number of rows seen by the fit
 * @param features vector size d
 * @param imageHeight image height when rows are images, else 0
 * @param imageWidth image width when rows are images, else 0
 * @param fitSeconds wall-clock seconds of the fit
 * @param created ISO-8601 time the fit finished
 * @param sparkaeVersion sparkae version that fit the model
 * @param sparkVersion Spark version that fit the model
 */
public record Provenance(String estimator, Map<String, String> params, String inputCol, long rows, int features,
    int imageHeight, int imageWidth, double fitSeconds, String created, String sparkaeVersion,
    String sparkVersion) implements Serializable {

  public Provenance {
    params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
  }

  public boolean isImage() {
    return imageHeight > 0 && imageWidth > 0;
  }

  /** Provenance of a model made by hand (tests, conversions) rather than by a fit. */
  public static Provenance unknown(int features) {
    return new Provenance("unknown", Map.of(), "features", 0, features, 0, 0, 0, Instant.now().toString(),
        Version.SPARKAE, SparkBuildInfo.spark_version());
  }
}
