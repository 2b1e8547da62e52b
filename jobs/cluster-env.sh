# Shared by jobs/cluster and jobs/submit (sourced, not run): repository root, the Maven classpath (Spark included),
# the JVM module options from conf/spark-defaults.conf, and small helpers. Everything stays on loopback.

SPARKAE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Spark's own jars and ours: compile and provided scope, no test jars.
SPARKAE_SPARK_CP_FILE="$SPARKAE_ROOT/target/spark-classpath.txt"

sparkae_die() {
  echo "$(basename "$0"): error: $*" >&2
  exit 1
}

sparkae_info() {
  echo "$(basename "$0"): $*" >&2
}

sparkae_need() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || sparkae_die "'$tool' is needed but not on the PATH"
  done
}

# Maven's quiet mode still prints colour resets; drop them.
sparkae_no_ansi() {
  sed -u 's/\x1b\[[0-9;]*m//g'
}

# Prints the classpath (colon-separated jars, Spark included): SPARKAE_CLASSPATH when set, else
# target/spark-classpath.txt, written by Maven when missing or older than pom.xml. SPARKAE_MVN_ARGS adds Maven flags
# (for example -o for offline).
sparkae_spark_classpath() {
  if [[ -n ${SPARKAE_CLASSPATH:-} ]]; then
    echo "$SPARKAE_CLASSPATH"
    return 0
  fi
  if [[ ! -s "$SPARKAE_SPARK_CP_FILE" || "$SPARKAE_ROOT/pom.xml" -nt "$SPARKAE_SPARK_CP_FILE" ]]; then
    sparkae_need mvn
    sparkae_info "resolving the Maven classpath into ${SPARKAE_SPARK_CP_FILE#"$SPARKAE_ROOT"/} ..."
    mkdir -p "$SPARKAE_ROOT/target"
    # -DincludeScope=compile: compile and provided (Spark) scope. (-Dmdep.includeScope is not the plugin's
    # property: it is ignored, and test jars come along.)
    # shellcheck disable=SC2086
    (cd "$SPARKAE_ROOT" && mvn -q -B -Dstyle.color=never ${SPARKAE_MVN_ARGS:-} dependency:build-classpath \
        -DincludeScope=compile -Dmdep.outputFile="$SPARKAE_SPARK_CP_FILE" 2>&1 | sparkae_no_ansi >&2) \
      || sparkae_die "mvn dependency:build-classpath failed (see Maven's output above)"
    [[ -s "$SPARKAE_SPARK_CP_FILE" ]] || sparkae_die "Maven wrote an empty classpath to $SPARKAE_SPARK_CP_FILE"
  fi
  cat "$SPARKAE_SPARK_CP_FILE"
}

# The Java 17 module options Spark 4.2 needs in every JVM (without them Kryo fails), from conf/spark-defaults.conf.
sparkae_module_opts() {
  local opts
  opts=$(sed -n 's/^spark\.executor\.extraJavaOptions[[:space:]]*//p' "$SPARKAE_ROOT/conf/spark-defaults.conf")
  [[ -n "$opts" ]] || sparkae_die "conf/spark-defaults.conf has no spark.executor.extraJavaOptions line"
  echo "$opts"
}

# A value from conf/spark-defaults.conf, or the second argument.
sparkae_conf_value() {
  local v
  v=$(sed -n "s/^${1//./\\.}[[:space:]]\\{1,\\}//p" "$SPARKAE_ROOT/conf/spark-defaults.conf" | tail -n 1)
  echo "${v:-$2}"
}

# True when the pid is alive and its command line contains the given text.
sparkae_pid_is() {
  local pid=$1 text=$2
  [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] && tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF -- "$text"
}

# Makes DIR/jars a folder of symlinks to the classpath's jars: the SPARK_HOME a standalone worker (or a
# local-cluster master) builds its executors' classpath from.
sparkae_spark_home() {
  local dir=$1 cp jar
  cp=$(sparkae_spark_classpath)
  rm -rf "$dir/jars"
  mkdir -p "$dir/jars"
  IFS=':' read -r -a _sparkae_jars <<<"$cp"
  for jar in "${_sparkae_jars[@]}"; do
    [[ $jar == *.jar ]] || continue
    [[ -f $jar ]] || sparkae_die "classpath entry $jar is missing; delete $SPARKAE_SPARK_CP_FILE and retry"
    ln -sf "$jar" "$dir/jars/$(basename "$jar")"
  done
  ls "$dir/jars" | grep -q '^spark-core_2\.13-' || sparkae_die "no spark-core_2.13 jar on the classpath ($dir/jars)"
}
