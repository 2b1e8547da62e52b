package io.sparkae.connect;

import java.util.Iterator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.spark.connect.proto.Command;
import org.apache.spark.connect.proto.ExecutePlanRequest;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.apache.spark.connect.proto.Expression;
import org.apache.spark.connect.proto.Fetch;
import org.apache.spark.connect.proto.MlCommand;
import org.apache.spark.connect.proto.MlCommandResult;
import org.apache.spark.connect.proto.MlOperator;
import org.apache.spark.connect.proto.MlParams;
import org.apache.spark.connect.proto.MlRelation;
import org.apache.spark.connect.proto.ObjectRef;
import org.apache.spark.connect.proto.Plan;
import org.apache.spark.connect.proto.Read;
import org.apache.spark.connect.proto.Relation;
import org.apache.spark.connect.proto.SparkConnectServiceGrpc;
import org.apache.spark.connect.proto.UserContext;
import org.apache.spark.connect.proto.WriteOperation;
import org.sparkproject.connect.grpc.ManagedChannel;
import org.sparkproject.connect.grpc.ManagedChannelBuilder;

/**
 * A Spark Connect client that speaks the protocol directly, as PySpark's {@code pyspark.ml.connect} does: one
 * session id, {@code ExecutePlan} requests whose plan is a {@code Command} (an {@code MlCommand}, or a
 * {@code WriteOperation}) or whose relations nest an {@code MlRelation}. It uses the gRPC classes that
 * spark-connect shades ({@code org.sparkproject.connect.grpc}) and the generated protocol classes
 * ({@code org.apache.spark.connect.proto}).
 */
final class ConnectClient implements AutoCloseable {
  private final ManagedChannel channel;
  private final SparkConnectServiceGrpc.SparkConnectServiceBlockingStub stub;
  private final String sessionId = UUID.randomUUID().toString();

  ConnectClient(String host, int port) {
    channel = ManagedChannelBuilder.forAddress(host, port).usePlaintext().build();
    stub = SparkConnectServiceGrpc.newBlockingStub(channel);
  }

  /** Runs an ML command and returns its result (every response of the stream is read). */
  MlCommandResult ml(MlCommand command) {
    MlCommandResult result = null;
    Iterator<ExecutePlanResponse> it = execute(Command.newBuilder().setMlCommand(command).build());
    while (it.hasNext()) {
      ExecutePlanResponse r = it.next();
      if (r.hasMlCommandResult()) {
        result = r.getMlCommandResult();
      }
    }
    if (result == null) {
      throw new AssertionError("no MlCommandResult in the response to " + command.getCommandCase());
    }
    return result;
  }

  /** Runs a command without a result of interest (a write) to its end. */
  void run(Command command) {
    execute(command).forEachRemaining(r -> {});
  }

  private Iterator<ExecutePlanResponse> execute(Command command) {
    ExecutePlanRequest request = ExecutePlanRequest.newBuilder()
        .setSessionId(sessionId)
        .setUserContext(UserContext.newBuilder().setUserId("sparkae-test").setUserName("sparkae-test"))
        .setClientType("sparkae ConnectTest (Java, raw protocol)")
        .setPlan(Plan.newBuilder().setCommand(command))
        .build();
    return stub.executePlan(request);
  }

  /** {@code estimator.fit(dataset)}: the cached model's id. */
  String fit(String estimatorClass, Map<String, Expression.Literal> params, Relation dataset) {
    MlCommand fit = MlCommand.newBuilder().setFit(MlCommand.Fit.newBuilder()
        .setEstimator(operator(estimatorClass, MlOperator.OperatorType.OPERATOR_TYPE_ESTIMATOR))
        .setParams(MlParams.newBuilder().putAllParams(params))
        .setDataset(dataset)).build();
    return ml(fit).getOperatorInfo().getObjRef().getId();
  }

  /** {@code model.method()} through {@code MlCommand.Fetch}: the literal the server answers. */
  Expression.Literal fetch(String modelId, String method) {
    MlCommand fetch = MlCommand.newBuilder().setFetch(Fetch.newBuilder()
        .setObjRef(ObjectRef.newBuilder().setId(modelId))
        .addMethods(Fetch.Method.newBuilder().setMethod(method))).build();
    return ml(fetch).getParam();
  }

  /** {@code model.write().overwrite().save(path)}. */
  void save(String modelId, String path) {
    ml(MlCommand.newBuilder().setWrite(MlCommand.Write.newBuilder()
        .setObjRef(ObjectRef.newBuilder().setId(modelId))
        .setPath(path)
        .setShouldOverwrite(true)).build());
  }

  /** {@code ModelClass.load(path)}: the result, whose operator info holds the new model's id, uid and params. */
  MlCommandResult.MlOperatorInfo load(String modelClass, String path) {
    return ml(MlCommand.newBuilder().setRead(MlCommand.Read.newBuilder()
        .setOperator(operator(modelClass, MlOperator.OperatorType.OPERATOR_TYPE_MODEL))
        .setPath(path)).build()).getOperatorInfo();
  }

  /** {@code spark.read.parquet(path)} as a relation. */
  static Relation parquet(String path) {
    return Relation.newBuilder().setRead(Read.newBuilder().setDataSource(
        Read.DataSource.newBuilder().setFormat("parquet").addPaths(path))).build();
  }

  /** {@code model.transform(input)} with these params set on the model's copy, as a relation. */
  static Relation transform(String modelId, Relation input, Map<String, Expression.Literal> params) {
    return Relation.newBuilder().setMlRelation(MlRelation.newBuilder().setTransform(MlRelation.Transform.newBuilder()
        .setObjRef(ObjectRef.newBuilder().setId(modelId))
        .setInput(input)
        .setParams(MlParams.newBuilder().putAllParams(params)))).build();
  }

  /** {@code relation.write.mode("overwrite").parquet(path)}. */
  void writeParquet(Relation relation, String path) {
    run(Command.newBuilder().setWriteOperation(WriteOperation.newBuilder()
        .setInput(relation)
        .setSource("parquet")
        .setPath(path)
        .setMode(WriteOperation.SaveMode.SAVE_MODE_OVERWRITE)).build());
  }

  private static MlOperator operator(String name, MlOperator.OperatorType type) {
    // PySpark sends the Python object's uid; the server's getInstance passes it to the (String uid) constructor.
    return MlOperator.newBuilder().setName(name).setUid("connect-" + UUID.randomUUID()).setType(type).build();
  }

  /** Literals as PySpark's serializer makes them from Python values: int, float, str, bool. */
  static Expression.Literal lit(Object v) {
    Expression.Literal.Builder b = Expression.Literal.newBuilder();
    if (v instanceof Integer i) {
      return b.setInteger(i).build();
    } else if (v instanceof Long l) {
      return b.setLong(l).build();
    } else if (v instanceof Double d) {
      return b.setDouble(d).build();
    } else if (v instanceof String s) {
      return b.setString(s).build();
    } else if (v instanceof Boolean z) {
      return b.setBoolean(z).build();
    }
    throw new IllegalArgumentException("no literal for " + v);
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
  }
}
