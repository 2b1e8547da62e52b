package io.sparkae.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an IDX images file (and its labels, when there are any) into a DataFrame of {@code features} vectors with
 * pixels scaled to [0, 1] by {@code x = byte / 255}, and an optional {@code label} double.
 *
 * <p>The driver reads the file once as unsigned bytes, cuts the images into slices of at most about
 * {@value #SLICE_BYTES} bytes (so no task carries a huge closure), and parallelizes the slices; each partition
 * expands its bytes into dense double vectors lazily, one row at a time. Only the bytes ever sit on the driver,
 * never the 8x larger doubles. The {@code features} field carries the image shape metadata of
 * {@link DataSources#imageShape}.
 */
final class IdxSource {
  private static final Logger LOG = LoggerFactory.getLogger(IdxSource.class);

  /** Largest pixel payload of one slice: Spark warns about tasks above 1000 KiB, and a task carries its slice. */
  static final int SLICE_BYTES = 900 << 10;

  private IdxSource() {}

  /** Loads {@code imagesPath}; labels come from option {@code labels} or are looked for next to the images. */
  static Dataset<Row> load(SparkSession spark, String imagesPath, Map<String, String> options) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    String labelsPath = options.get("labels");
    if (labelsPath == null) {
      labelsPath = IdxReader.findLabels(imagesPath, conf).orElse(null);
    }
    IdxImages images = IdxReader.readImages(imagesPath, conf);
    int[] labels = null;
    if (labelsPath != null) {
      labels = IdxReader.readLabels(labelsPath, conf);
      IdxReader.requireSameCount(imagesPath, images.count(), labelsPath, labels.length);
    }
    LOG.info("IDX {}: {} images of {}x{}, labels {}", imagesPath, images.count(), images.height(),
        images.width(), labelsPath == null ? "none" : "from " + labelsPath);

    int minSlices = JavaSparkContext.fromSparkContext(spark.sparkContext()).defaultParallelism();
    List<Slice> slices = slices(images, labels, minSlices);
    JavaRDD<Row> rows = JavaSparkContext.fromSparkContext(spark.sparkContext())
        .parallelize(slices, Math.max(1, slices.size()))
        .flatMap(Slice::rows);
    return spark.createDataFrame(rows, schema(images.height(), images.width(), labels != null));
  }

  /** The schema: image-shaped {@code features}, then {@code label} when there are labels. */
  static StructType schema(int height, int width, boolean labeled) {
    Metadata shape = DataSources.imageMetadata(height, width);
    List<StructField> fields = new ArrayList<>();
    fields.add(new StructField(DataSources.FEATURES, new VectorUDT(), false, shape));
    if (labeled) {
      fields.add(new StructField(DataSources.LABEL, DataTypes.DoubleType, false, Metadata.empty()));
    }
    return new StructType(fields.toArray(new StructField[0]));
  }

  /** Cuts the images into at least {@code minSlices} (when there are that many images) slices of similar size. */
  static List<Slice> slices(IdxImages images, int[] labels, int minSlices) {
    int n = images.count();
    int per = Math.max(1, images.pixelsPerImage());
    long bySize = ((long) n * per + SLICE_BYTES - 1) / SLICE_BYTES;
    int count = (int) Math.max(1, Math.min(n, Math.max(minSlices, bySize)));
    List<Slice> slices = new ArrayList<>(count);
    for (int s = 0; s < count; s++) {
      int from = (int) ((long) n * s / count);
      int to = (int) ((long) n * (s + 1) / count);
      byte[] pixels = Arrays.copyOfRange(images.pixels(), from * images.pixelsPerImage(),
          to * images.pixelsPerImage());
      int[] part = labels == null ? null : Arrays.copyOfRange(labels, from, to);
      slices.add(new Slice(to - from, images.pixelsPerImage(), pixels, part));
    }
    return slices;
  }

  /** A run of consecutive images as bytes, with their labels or null; expands to rows on the executor. */
  static final class Slice implements Serializable {
    private static final long serialVersionUID = 1L;
    private final int count;
    private final int pixelsPerImage;
    private final byte[] pixels;
    private final int[] labels;

    Slice(int count, int pixelsPerImage, byte[] pixels, int[] labels) {
      this.count = count;
      this.pixelsPerImage = pixelsPerImage;
      this.pixels = pixels;
      this.labels = labels;
    }

    int count() {
      return count;
    }

    /** The rows of this slice, built one at a time as the iterator is walked. */
    Iterator<Row> rows() {
      return new Iterator<>() {
        private int i;

        @Override
        public boolean hasNext() {
          return i < count;
        }

        @Override
        public Row next() {
          if (i >= count) {
            throw new NoSuchElementException("slice of " + count + " images is exhausted");
          }
          double[] x = new double[pixelsPerImage];
          int offset = i * pixelsPerImage;
          for (int j = 0; j < pixelsPerImage; j++) {
            x[j] = (pixels[offset + j] & 0xff) / 255.0;
          }
          Row row = labels == null ? RowFactory.create(new DenseVector(x))
              : RowFactory.create(new DenseVector(x), (double) labels[i]);
          i++;
          return row;
        }
      };
    }
  }
}
