package io.sparkae.connect;

import static io.sparkae.connect.ConnectClient.lit;
import static io.sparkae.connect.ConnectClient.parquet;
import static io.sparkae.connect.ConnectClient.transform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkae.core.AutoencoderModel;
import io.sparkae.linear.kmeans.KMeans;
import io.sparkae.linear.pca.PCA;
import io.sparkae.linear.pca.PCAModel;
import io.sparkae.neural.vae.VariationalAutoencoder;
import io.sparkae.testing.SparkTest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.SparkEnv;
import org.apache.spark.connect.proto.Expression;
import org.apache.spark.connect.proto.MlCommandResult;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connect.ml.Serializer$;
import org.apache.spark.sql.connect.service.SparkConnectService$;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkproject.connect.grpc.StatusRuntimeException;
import scala.Option;

/**
 * sparkae through a real Spark Connect server (Spark 4.2.0's SparkConnectService, started in this JVM on a free
 * loopback port, on the tests' SparkContext), driven over gRPC as PySpark's {@code pyspark.ml.connect} drives it:
 * {@code MlCommand.Fit} naming the sparkae estimator with its params as literals, a transform through an
 * {@code MlRelation} written to Parquet by a {@code WriteOperation}, {@code MlCommand.Write} of the cached model,
 * {@code MlCommand.Read} of it by its model class, and a second transform. The data is a Parquet file this test
 * writes with its own session; the Connect plans read it with a {@code Read} relation.
 *
 * <p>Each fit must equal, row for row and bit for bit, a direct fit in this JVM with the same params and seed on
 * the same Parquet file: the Connect session reads the same files into the same partitions, and every sparkae fit
 * is a function of (rows, partitioning, seed) (ARCHITECTURE.md, the round), so there is no tolerance. The loaded
 * model's transform must equal the fitted one's exactly: persistence stores the doubles as they are.
 */
class ConnectTest extends SparkTest {
  private static final int ROWS = 240;
  private static final int D = 6;

  @TempDir
  static Path dir;
  private static String data;
  private static ConnectClient client;

  @BeforeAll
  static void startServer() throws Exception {
    SparkSession spark = session();
    data = dir.resolve("data.parquet").toString();
    planted(spark).write().parquet(data);
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    // SparkConnectService.startGRPCService reads both from SparkEnv's conf when it starts.
    SparkEnv.get().conf().set("spark.connect.grpc.binding.address", "127.0.0.1")
        .set("spark.connect.grpc.binding.port", Integer.toString(port));
    SparkConnectService$.MODULE$.start(spark.sparkContext());
    client = new ConnectClient("127.0.0.1", SparkConnectService$.MODULE$.localPort());
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (client != null) {
      client.close();
    }
    SparkConnectService$.MODULE$.stop(Option.empty(), Option.empty());
  }

  /** Three clusters in [0, 1]^6 (values a Bernoulli VAE may take), with an id to match rows by. */
  private static Dataset<Row> planted(SparkSession spark) {
    SplittableRandom r = new SplittableRandom(14);
    double[][] centers = new double[3][D];
    for (double[] c : centers) {
      for (int j = 0; j < D; j++) {
        c[j] = 0.2 + 0.6 * r.nextDouble();
      }
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      double[] x = centers[i % 3].clone();
      for (int j = 0; j < D; j++) {
        x[j] += 0.3 * (r.nextDouble() - 0.5);
      }
      rows.add(RowFactory.create((long) i, Vectors.dense(x)));
    }
    StructType schema = new StructType().add("id", DataTypes.LongType, false)
        .add("features", SQLDataTypes.VectorType(), false);
    return spark.createDataFrame(rows, schema).repartition(2);
  }

  @Test
  void pcaFitTransformSaveLoadThroughConnect() throws Exception {
    Map<String, Expression.Literal> params = new LinkedHashMap<>();
    params.put("k", lit(3));
    params.put("seed", lit(7)); // a Python int: an integer literal, which the server widens for the LongParam
    RoundTrip t = roundTrip("pca", PCA.class, params, Map.of("reconstructionCol", lit("xhat"), "lossCol",
        lit("loss")), new PCA().setK(3).setSeed(7));
    assertEquals(List.of("id", "features", "code", "xhat", "loss"), List.of(t.connect.get(0).schema().fieldNames()));

    // The model's one allow-listed method for a class outside Spark, Identifiable.toString, carries its summary.
    PCAModel local = PCAModel.load(t.modelPath);
    String summary = client.fetch(t.loaded.getObjRef().getId(), "toString").getString();
    assertEquals(local.toString(), summary);
    String head = "PCAModel: uid=" + t.loaded.getUid() + ", {\"rows\":240,\"features\":6,\"codeSize\":3,";
    assertTrue(summary.startsWith(head), summary);
    assertTrue(summary.contains("\"explainedVarianceRatio\":["), summary);
    // Everything else a sparkae model offers is refused by MLUtils.validate (ALLOWED_ATTRIBUTES).
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> client.fetch(t.loaded.getObjRef().getId(), "explainedVariance"));
    assertTrue(e.getMessage().contains("[CONNECT_ML.ATTRIBUTE_NOT_ALLOWED]") && e.getMessage()
        .contains("explainedVariance in io.sparkae.linear.pca.PCAModel is not allowed"), e.getMessage());

    // What a client can read of the model instead: its saved arrays, by name, as a DataFrame (data/ of the model).
    String arrays = dir.resolve("pca-arrays").toString();
    client.writeParquet(parquet(t.modelPath + "/data"), arrays);
    Row components = spark().read().parquet(arrays).filter("name = 'components'").first();
    assertArrayEquals(local.components().values, toDoubles(components.getList(3)), 0.0);
  }

  @Test
  void kmeansFitTransformSaveLoadThroughConnect() throws Exception {
    Map<String, Expression.Literal> params = new LinkedHashMap<>();
    params.put("k", lit(3));
    params.put("maxIter", lit(10));
    params.put("seed", lit(11));
    RoundTrip t = roundTrip("kmeans", KMeans.class, params, Map.of("distanceCol", lit("distance")),
        new KMeans().setK(3).setMaxIter(10).setSeed(11));
    assertEquals(List.of("id", "features", "code", "prediction", "distance"),
        List.of(t.connect.get(0).schema().fieldNames()));
    // The planted clusters are found: rows i and i + 3 share a cluster, rows of different clusters do not.
    for (Row row : t.connect) {
      long id = row.getLong(0);
      assertEquals(t.connect.get((int) (id % 3)).getInt(3), row.getInt(3), "row " + id);
    }
    assertEquals(3, t.connect.stream().mapToInt(row -> row.getInt(3)).distinct().count());
  }

  @Test
  void vaeFitTransformSaveLoadThroughConnect() throws Exception {
    Map<String, Expression.Literal> params = new LinkedHashMap<>();
    params.put("latentSize", lit(2));
    params.put("hiddenLayers", Serializer$.MODULE$.serializeParam(new int[] {8})); // an int array literal
    params.put("epochs", lit(1));
    params.put("batchSize", lit(32));
    params.put("seed", lit(5));
    RoundTrip t = roundTrip("vae", VariationalAutoencoder.class, params, Map.of("sigmaCol", lit("sigma")),
        new VariationalAutoencoder().setLatentSize(2).setHiddenLayers(8).setEpochs(1).setBatchSize(32).setSeed(5));
    assertEquals(List.of("id", "features", "code", "sigma"), List.of(t.connect.get(0).schema().fieldNames()));
  }

  /** What one fit, transform, save, load and transform through Connect gave. */
  private record RoundTrip(List<Row> connect, MlCommandResult.MlOperatorInfo loaded, String modelPath) {}

  /**
   * Fits {@code estimator} through Connect with {@code params}, transforms with {@code transformParams}, saves,
   * loads by the model class and transforms again; checks both transforms equal the direct fit's ({@code local},
   * the same params) row for row.
   */
  private static RoundTrip roundTrip(String name, Class<?> estimator, Map<String, Expression.Literal> params,
      Map<String, Expression.Literal> transformParams, Estimator<?> local) throws IOException {
    String modelId = client.fit(estimator.getName(), params, parquet(data));
    String first = dir.resolve(name + "-transform-1").toString();
    client.writeParquet(transform(modelId, parquet(data), transformParams), first);

    String modelPath = dir.resolve(name + "-model").toString();
    client.save(modelId, modelPath);
    assertTrue(Files.isDirectory(Path.of(modelPath, "data")), "saved by MlCommand.Write: " + modelPath);
    AutoencoderModel<?> fitted = (AutoencoderModel<?>) local.fit(spark().read().parquet(data));
    String modelClass = fitted.getClass().getName();
    MlCommandResult.MlOperatorInfo loaded = client.load(modelClass, modelPath);
    String second = dir.resolve(name + "-transform-2").toString();
    client.writeParquet(transform(loaded.getObjRef().getId(), parquet(data), transformParams), second);

    ParamMap extra = ParamMap.empty();
    for (Map.Entry<String, Expression.Literal> p : transformParams.entrySet()) {
      extra.put(fitted.getParam(p.getKey()), p.getValue().getString());
    }
    List<Row> direct = sorted(fitted.copy(extra).transform(spark().read().parquet(data)));
    List<Row> viaConnect = sorted(spark().read().parquet(first));
    List<Row> afterLoad = sorted(spark().read().parquet(second));
    assertEquals(ROWS, viaConnect.size());
    assertEquals(direct, viaConnect, name + ": Connect fit and transform equal the direct fit's");
    assertEquals(viaConnect, afterLoad, name + ": the model loaded through Connect transforms the same");
    return new RoundTrip(viaConnect, loaded, modelPath);
  }

  private static List<Row> sorted(Dataset<Row> rows) {
    List<Row> out = new ArrayList<>(rows.collectAsList());
    out.sort(Comparator.comparingLong(r -> r.getLong(0)));
    return out;
  }

  private static double[] toDoubles(List<Object> values) {
    double[] out = new double[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (Double) values.get(i);
    }
    return out;
  }
}
