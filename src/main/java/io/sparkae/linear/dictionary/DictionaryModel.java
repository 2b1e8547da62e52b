package io.sparkae.linear.dictionary;

import io.sparkae.core.AutoencoderModel;
import io.sparkae.core.FitHistory;
import io.sparkae.core.Figure;
import io.sparkae.core.ModelData;
import io.sparkae.core.Provenance;
import io.sparkae.core.StageReader;
import io.sparkae.linalg.DenseMatrix;
import java.util.ArrayList;
import java.util.List;

/**
 * What a fitted sparse-coding model and a fitted NMF share: the dictionary Phi (d x m, unit-norm atoms) inside its
 * code solver, the objective per round of the fit, the histogram of nonzeros per code in the last round, and the
 * solver settings that travel with the saved model. Immutable.
 *
 * @param <M> the concrete model
 */
public abstract class DictionaryModel<M extends DictionaryModel<M>> extends AutoencoderModel<M> {
  private static final long serialVersionUID = 1L;
  /** Most atoms drawn in one grid. */
  static final int MAX_TILES = 256;

  private final DictionaryAutoencoder ae;
  private final double[] objectives;
  private final long[] nonzeroHistogram;
  private final int maxSweeps;
  private final double cdTol;
  private final String label;
  private final String objectiveName;
  private final Figure.Scale atomScale;

  /**
   * The saved parts, then what the concrete family is called in figure titles ("sparse coding", "NMF"), what its
   * objective per round is ("objective per row", "squared error per row") and how its atoms are shaded.
   */
  protected DictionaryModel(String uid, SparseCoder coder, double[] objectives, long[] nonzeroHistogram,
      int maxSweeps, double cdTol, Provenance provenance, String label, String objectiveName,
      Figure.Scale atomScale) {
    super(uid, provenance);
    this.label = label;
    this.objectiveName = objectiveName;
    this.atomScale = atomScale;
    this.ae = coder == null ? null : new DictionaryAutoencoder(coder); // null: an empty model (Spark Connect)
    this.objectives = objectives.clone();
    this.nonzeroHistogram = nonzeroHistogram.clone();
    this.maxSweeps = maxSweeps;
    this.cdTol = cdTol;
  }

  /** Builds the concrete model from the saved parts (the constructor's arguments). */
  @FunctionalInterface
  protected interface Factory<M> {
    M create(String uid, SparseCoder coder, double[] objectives, long[] nonzeroHistogram, int maxSweeps,
        double cdTol, Provenance provenance);
  }

  /** A reader for a concrete dictionary model. */
  protected static <M extends DictionaryModel<M>> StageReader<M> reader(Class<M> type, Factory<M> factory) {
    return StageReader.model(type, (uid, data, prov) -> factory.create(uid, DictionaryData.coder(data),
        savedObjectives(data), DictionaryData.nonzeros(data), (int) data.scalar("maxSweeps"),
        data.scalar("cdTol"), prov));
  }

  /** The saved history's values; saved before histories had one name: the arrays "objectiveHistory", "rounds". */
  private static double[] savedObjectives(ModelData data) {
    FitHistory h = FitHistory.readFrom(data);
    return h != null ? h.values() : DictionaryData.objectives(data);
  }

  /** This model's parts handed to {@code factory} (for {@code copy}). */
  protected M rebuild(Factory<M> factory) {
    return factory.create(uid(), ae.coder(), objectives, nonzeroHistogram, maxSweeps, cdTol, provenance());
  }

  @Override
  public DictionaryAutoencoder autoencoder() {
    return ae;
  }

  /** The dictionary Phi, d x m (a copy). */
  public DenseMatrix dictionary() {
    return ae.dictionary();
  }

  /** The objective per row for each round of the fit (see the concrete model for its terms). */
  @Override
  public FitHistory history() {
    return FitHistory.of(objectiveName, "squared error per row", objectives, null);
  }

  /** @deprecated use {@code history().values()} */
  @Deprecated
  public double[] objectiveHistory() {
    return history().values();
  }

  /** The atoms as images when rows are images, then the objective per round. */
  @Override
  public List<Figure> figures() {
    List<Figure> out = new ArrayList<>();
    if (provenance().isImage()) {
      out.add(atoms(dictionary(), "atoms.png", label + ": atoms", atomScale));
    }
    out.add(new Figure.LinePlot("objective.png", label + ": " + objectiveName, "round", "objective per row",
        List.of(Figure.Series.ofRounds("objective", objectives)), false));
    return out;
  }

  /** Up to {@link #MAX_TILES} columns of {@code phi} as images in a square-ish grid. */
  protected Figure atoms(DenseMatrix phi, String file, String title, Figure.Scale scale) {
    int shown = Math.min(phi.cols, MAX_TILES);
    return new Figure.ImageGrid(file, title + " (" + shown + " of " + phi.cols + ")", Figure.columns(phi, shown),
        provenance().imageHeight(), provenance().imageWidth(), (int) Math.ceil(Math.sqrt(shown)), scale, null);
  }

  /**
   * Seconds from the start of the fit (caching and initial atoms included) to the end of each round; empty for a
   * loaded or copied model (not saved).
   */
  public double[] roundSeconds() {
    return roundSeconds.clone();
  }

  /** Coordinate updates of the codes in each round of the fit (each costs 2m flops); empty when not known. */
  public long[] codeUpdates() {
    return codeUpdates.clone();
  }

  /** Records the fit's timing (called by the estimator). */
  void trace(double[] seconds, long[] updates) {
    this.roundSeconds = seconds.clone();
    this.codeUpdates = updates.clone();
  }

  private double[] roundSeconds = new double[0];
  private long[] codeUpdates = new long[0];

  /** histogram[k] = training rows whose code had k nonzeros, in the fit's last round. */
  public long[] nonzeroHistogram() {
    return nonzeroHistogram.clone();
  }

  @Override
  protected ModelData data() {
    return history().saveTo(DictionaryData.write(ae.coder(), nonzeroHistogram, maxSweeps, cdTol));
  }
}
