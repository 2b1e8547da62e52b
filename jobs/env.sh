# Shared by the jobs/ scripts (sourced, not run): repository root, Maven classpath, JVM options from conf/.
SPARKAE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SPARKAE_CP_FILE="$SPARKAE_ROOT/target/classpath.txt"
SPARKAE_STAMP="$SPARKAE_ROOT/target/.sparkae-built"
# Spark already runs one task per core; a multithreaded native BLAS inside each task would oversubscribe them
# (Spark's MLlib guide gives the same advice). Set OPENBLAS_NUM_THREADS yourself to override.
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"

# Compiles sparkae and resolves its classpath (Spark included) when missing or older than the sources.
sparkae_build() {
  if ! command -v mvn >/dev/null 2>&1; then
    echo "sparkae: error: Maven (mvn) is needed to build sparkae; install Maven 3.8+ and Java 17" >&2
    exit 1
  fi
  local stale=1
  if [[ -f "$SPARKAE_STAMP" && -f "$SPARKAE_CP_FILE" ]]; then
    if [[ -z "$(find "$SPARKAE_ROOT/src/main" "$SPARKAE_ROOT/pom.xml" -newer "$SPARKAE_STAMP" -print -quit)" ]]; then
      stale=0
    fi
  fi
  if [[ $stale == 1 ]]; then
    echo "sparkae: building (mvn compile) ..." >&2
    (cd "$SPARKAE_ROOT" && mvn -q -B -DskipTests compile dependency:build-classpath \
        -Dmdep.outputFile="$SPARKAE_CP_FILE" -DincludeScope=compile >&2)
    touch "$SPARKAE_STAMP"
  fi
}

# The JVM module options Spark 4.2 needs on Java 17, read from conf/spark-defaults.conf (one source of truth).
sparkae_java_opts() {
  sed -n 's/^spark\.driver\.extraJavaOptions[[:space:]]*//p' "$SPARKAE_ROOT/conf/spark-defaults.conf"
}

# conf/spark-defaults.conf as -Dspark.key=value flags for an embedded (non spark-submit) driver.
sparkae_spark_props() {
  grep -E '^spark\.' "$SPARKAE_ROOT/conf/spark-defaults.conf" \
    | grep -vE '^spark\.(driver|executor)\.extraJavaOptions|^spark\.driver\.memory' \
    | awk '{k=$1; $1=""; sub(/^[ \t]+/, ""); printf "-D%s=%s\n", k, $0}'
}

# Sets SPARKAE_JAVA to the java command line every jobs/ script starts sparkae with, up to the main class: the
# heap (SPARKAE_DRIVER_MEMORY, default 6g), the module options and Spark settings of conf/, log4j, the classpath
# (compiled first if stale). Use: sparkae_java_cmd; exec "${SPARKAE_JAVA[@]}" MAIN_CLASS ARGS...
sparkae_java_cmd() {
  sparkae_build
  export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
  local props
  mapfile -t props < <(sparkae_spark_props)
  # shellcheck disable=SC2206
  SPARKAE_JAVA=(java -Xmx"${SPARKAE_DRIVER_MEMORY:-6g}" $(sparkae_java_opts) ${SPARKAE_JAVA_OPTS:-}
    -Djava.awt.headless=true -Dlog4j.configurationFile="$SPARKAE_ROOT/conf/log4j2.properties" "${props[@]}"
    -cp "$SPARKAE_ROOT/target/classes:$(cat "$SPARKAE_CP_FILE")")
}
