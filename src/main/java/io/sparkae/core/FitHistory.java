package io.sparkae.core;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a fit did, round by round: the objective's name and unit, its value after each round, the rounds that make
 * one pass over the data (0 when rounds are not epochs' parts), whether the fit stopped by its tolerance (null when
 * it runs a fixed number of rounds), and, when validation data was set, the validation objective after each epoch.
 * Immutable: arrays are copied in and out.
 */
public final class FitHistory {
  /** A model fit in closed form (no rounds). */
  public static final FitHistory NONE = new FitHistory("", "", new double[0], 0, null, new double[0]);

  private final String objective;
  private final String unit;
  private final double[] values;
  private final int roundsPerEpoch;
  private final Boolean converged;
  private final double[] validation;

  public FitHistory(String objective, String unit, double[] values, int roundsPerEpoch, Boolean converged,
      double[] validation) {
    this.objective = objective;
    this.unit = unit;
    this.values = values.clone();
    this.roundsPerEpoch = roundsPerEpoch;
    this.converged = converged;
    this.validation = validation.clone();
  }

  /** An iterative fit's history without epochs or validation. */
  public static FitHistory of(String objective, String unit, double[] values, Boolean converged) {
    return new FitHistory(objective, unit, values, 0, converged, new double[0]);
  }

  /** What is minimised, in words ("squared error per row", "-ELBO per row"...). */
  public String objective() {
    return objective;
  }

  /** The objective's unit ("nats", "squared distance"...). */
  public String unit() {
    return unit;
  }

  /** The objective after each round (a copy). */
  public double[] values() {
    return values.clone();
  }

  public int rounds() {
    return values.length;
  }

  /** The objective after the last round (NaN without rounds). */
  public double last() {
    return values.length == 0 ? Double.NaN : values[values.length - 1];
  }

  public int roundsPerEpoch() {
    return roundsPerEpoch;
  }

  /** Whether the fit met its tolerance; null when it runs a fixed number of rounds or does not know. */
  public Boolean converged() {
    return converged;
  }

  /** The validation objective after each epoch (a copy; empty without validation data). */
  public double[] validation() {
    return validation.clone();
  }

  /**
   * Saves the history with the model: the values as the array "history", the validation values as
   * "validationHistory", and the settings "roundsPerEpoch" and "converged" (true, false or empty when unknown).
   * The objective's name and unit are the model's and are not saved.
   */
  public ModelData saveTo(ModelData data) {
    return data.put("history", values.clone())
        .put("validationHistory", validation.clone())
        .set("roundsPerEpoch", roundsPerEpoch)
        .set("converged", converged == null ? "" : converged.toString());
  }

  /**
   * The history {@link #saveTo} saved (without the objective's name, which the model knows), or null when
   * {@code data} holds none: a model saved before histories were saved by one name, whose reader takes its
   * family's arrays.
   */
  public static FitHistory readFrom(ModelData data) {
    if (!data.has("history")) {
      return null;
    }
    String c = data.text("converged");
    if (!c.isEmpty() && !c.equals("true") && !c.equals("false")) {
      throw new IllegalArgumentException("corrupt model: setting 'converged' is '" + c + "', expected true, false "
          + "or empty");
    }
    return new FitHistory("", "", data.vector("history"), (int) data.integer("roundsPerEpoch"),
        c.isEmpty() ? null : Boolean.valueOf(c), data.vector("validationHistory"));
  }

  /** The history's keys for metrics.json (none for a closed-form fit). */
  public Map<String, Object> toMap() {
    Map<String, Object> out = new LinkedHashMap<>();
    if (this == NONE || objective.isEmpty()) {
      return out;
    }
    out.put("objective", objective);
    out.put("objectiveUnit", unit);
    out.put("rounds", values.length);
    if (values.length > 0) {
      out.put("finalObjective", last());
    }
    out.put("objectiveHistory", values.clone());
    if (roundsPerEpoch > 0) {
      out.put("roundsPerEpoch", roundsPerEpoch);
    }
    if (converged != null) {
      out.put("converged", converged);
    }
    if (validation.length > 0) {
      out.put("validationPerEpoch", validation.clone());
    }
    return out;
  }
}
