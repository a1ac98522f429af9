package io.orbit.engine.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UnitsTest {

    private static final YAMLMapper YAML = new YAMLMapper();

    /** The value as YAML would give it: {@code 0.5} is a number, {@code "0.5"} a string. */
    private static JsonNode yaml(String scalar) throws Exception {
        return YAML.readTree("value: " + scalar).get("value");
    }

    @ParameterizedTest(name = "memory_limit: {0} = {1} bytes")
    @CsvSource(
            delimiter = '|',
            value = {
                "1           | 1073741824",
                "0.5         | 536870912",
                "2           | 2147483648",
                "512         | 549755813888",
                "1.5         | 1610612736",
                "\"100M\"      | 104857600",
                "\"100Mi\"     | 104857600",
                "\"512K\"      | 524288",
                "\"512Ki\"     | 524288",
                "\"1G\"        | 1073741824",
                "\"2Gi\"       | 2147483648",
                "\"1.5G\"      | 1610612736",
                "\"0.5Mi\"     | 524288",
                "\"1.M\"       | 1048576",
            })
    void parsesMemoryNumbersAsGibAndStringsAsBinaryUnits(String written, long bytes) throws Exception {
        assertThat(Units.memoryBytes(yaml(written))).isEqualTo(bytes);
    }

    @ParameterizedTest(name = "memory_limit: {0} is rejected with \"{1}\"")
    @CsvSource(
            delimiter = '|',
            value = {
                "\"512MB\"   | Invalid memory limit format: 512MB (use 512M, 512Mi or a number of GiB such as 0.5)",
                "\"512m\"    | Invalid memory limit format: 512m (use 512M, 512Mi or a number of GiB such as 0.5)",
                "\"1T\"      | Invalid memory limit format: 1T (use 512M, 512Mi or a number of GiB such as 0.5)",
                "\"1024\"    | Invalid memory limit format: 1024 (use 512M, 512Mi or a number of GiB such as 0.5)",
                "\" 1G\"     | Invalid memory limit format:  1G (use 512M, 512Mi or a number of GiB such as 0.5)",
                "\"-1G\"     | Invalid memory limit format: -1G (use 512M, 512Mi or a number of GiB such as 0.5)",
                "\"\"        | Invalid memory limit format:  (use 512M, 512Mi or a number of GiB such as 0.5)",
                "true      | Unsupported memory limit type: true (use 512M, 512Mi or a number of GiB such as 0.5)",
                "[1]       | Unsupported memory limit type: a list (use 512M, 512Mi or a number of GiB such as 0.5)",
                "{a: 1}    | Unsupported memory limit type: a mapping (use 512M, 512Mi or a number of GiB such as 0.5)",
                "0         | Memory limit must be at least 1 byte: 0 (omit memory_limit for no limit)",
                "-1        | Memory limit must be at least 1 byte: -1 (omit memory_limit for no limit)",
                "\"0M\"      | Memory limit must be at least 1 byte: 0M (omit memory_limit for no limit)",
                "\"0.0001K\" | Memory limit must be at least 1 byte: 0.0001K (omit memory_limit for no limit)",
                "\"9999999999999G\" | Memory limit out of valid range: 9999999999999G (use 512M, 512Mi or a number of GiB such"
                        + " as 0.5)",
            })
    void rejectsMemoryWithOrbitsMessagePlusTheFix(String written, String message) throws Exception {
        JsonNode value = yaml(written);
        assertThatThrownBy(() -> Units.memoryBytes(value))
                .isInstanceOf(InvalidUnitException.class)
                .hasMessage(message);
    }

    @ParameterizedTest(name = "cpu_limit: {0} = {1} nano-CPUs")
    @CsvSource(
            delimiter = '|',
            value = {
                "0.5     | 500000000",
                "1       | 1000000000",
                "2       | 2000000000",
                "0.01    | 10000000",
                "\"0.5\"   | 500000000",
                "\"2\"     | 2000000000",
                "\".25\"   | 250000000",
                "\"1e0\"   | 1000000000",
                "0.29    | 290000000",
            })
    void parsesCpuNumbersAndNumericStringsAsCpus(String written, long nanoCpus) throws Exception {
        assertThat(Units.nanoCpus(yaml(written))).isEqualTo(nanoCpus);
    }

    @ParameterizedTest(name = "cpu_limit: {0} is rejected with \"{1}\"")
    @CsvSource(
            delimiter = '|',
            value = {
                "0        | CPU limit out of valid range: 0 (use a number of CPUs from 0.01 upwards, such as 0.5 or 2)",
                "-1       | CPU limit out of valid range: -1 (use a number of CPUs from 0.01 upwards, such as 0.5 or 2)",
                "\"-1\"     | CPU limit out of valid range: -1 (use a number of CPUs from 0.01 upwards, such as 0.5 or 2)",
                "\"0\"      | CPU limit out of valid range: 0 (use a number of CPUs from 0.01 upwards, such as 0.5 or 2)",
                "0.001    | CPU limit out of valid range: 0.001 (use a number of CPUs from 0.01 upwards, such as 0.5 or 2)",
                "1e30     | CPU limit out of valid range: 1.0E30 (use a number of CPUs from 0.01 upwards, such as 0.5 or 2)",
                "\"500m\"   | Invalid CPU limit: 500m (use a number of CPUs such as 0.5 or \"2\"; millicores like 500m are"
                        + " not supported)",
                "\"half\"   | Invalid CPU limit: half (use a number of CPUs such as 0.5 or \"2\")",
                "\"NaN\"    | Invalid CPU limit: NaN (use a number of CPUs such as 0.5 or \"2\")",
                "\"1d\"     | Invalid CPU limit: 1d (use a number of CPUs such as 0.5 or \"2\")",
                "true     | Unsupported CPU limit type: true (use a number of CPUs such as 0.5 or \"2\")",
            })
    void rejectsCpuOutOfRangeIncludingStringsWhichOrbitLetThrough(String written, String message) throws Exception {
        JsonNode value = yaml(written);
        assertThatThrownBy(() -> Units.nanoCpus(value))
                .isInstanceOf(InvalidUnitException.class)
                .hasMessage(message);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "100ms          | PT0.1S",
                "30s            | PT30S",
                "5m             | PT5M",
                "1h 30m         | PT1H30M",
                "1h30m          | PT1H30M",
                "'  2h  '       | PT2H",
                "1ns            | PT0.000000001S",
                "1nsec          | PT0.000000001S",
                "1nanos         | PT0.000000001S",
                "1us            | PT0.000001S",
                "1usec          | PT0.000001S",
                "1ms            | PT0.001S",
                "1msec          | PT0.001S",
                "1millis        | PT0.001S",
                "1s             | PT1S",
                "1sec           | PT1S",
                "2secs          | PT2S",
                "1second        | PT1S",
                "2seconds       | PT2S",
                "1m             | PT1M",
                "1min           | PT1M",
                "2mins          | PT2M",
                "1minute        | PT1M",
                "2minutes       | PT2M",
                "1h             | PT1H",
                "1hr            | PT1H",
                "2hrs           | PT2H",
                "1hour          | PT1H",
                "2hours         | PT2H",
                "1d             | PT24H",
                "1day           | PT24H",
                "2days          | PT48H",
                "1w             | PT168H",
                "1week          | PT168H",
                "1weeks         | PT168H",
                "1M             | PT730H33M36S",
                "1month         | PT730H33M36S",
                "1months        | PT730H33M36S",
                "1y             | PT8766H",
                "1year          | PT8766H",
                "1years         | PT8766H",
                "1 0s           | PT10S",
                "5 s            | PT5S",
                "0s             | PT0S",
                "1h 1m 1s 1ms   | PT1H1M1.001S",
            })
    void parsesHumantimeDurations(String written, String expected) {
        assertThat(Units.duration(written)).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest(name = "\"{0}\" is rejected with \"{1}\"")
    @CsvSource(
            delimiter = '|',
            value = {
                "30       | Invalid duration: '30' (time unit needed, for example 30s or 30ms)",
                "''       | Invalid duration: '' (value was empty; use e.g. 100ms, 30s, 5m or 1h 30m)",
                "'   '    | Invalid duration: '   ' (value was empty; use e.g. 100ms, 30s, 5m or 1h 30m)",
                "5x       | Invalid duration: '5x' (unknown time unit 'x'; supported units are ns, us, ms, s, m, h, d, w,"
                        + " M (months) and y; use e.g. 100ms, 30s, 5m or 1h 30m)",
                "1H       | Invalid duration: '1H' (unknown time unit 'H'; supported units are ns, us, ms, s, m, h, d, w,"
                        + " M (months) and y; use e.g. 100ms, 30s, 5m or 1h 30m)",
                "1.5s     | Invalid duration: '1.5s' (invalid character '.' at position 1; write whole numbers with"
                        + " units, e.g. 1500ms or 1m 30s)",
                "-5s      | Invalid duration: '-5s' (expected a number at position 0; use e.g. 100ms, 30s, 5m or 1h"
                        + " 30m)",
                "s5       | Invalid duration: 's5' (expected a number at position 0; use e.g. 100ms, 30s, 5m or 1h 30m)",
                "5s,3s    | Invalid duration: '5s,3s' (invalid character ',' at position 2; write whole numbers with"
                        + " units, e.g. 1500ms or 1m 30s)",
                "1h 30    | Invalid duration: '1h 30' (time unit needed, for example 30s or 30ms)",
                "1h xm    | Invalid duration: '1h xm' (expected a number at position 3; use e.g. 100ms, 30s, 5m or 1h"
                        + " 30m)",
                "99999999999999999999999999999y | Invalid duration: '99999999999999999999999999999y' (number is too"
                        + " large)",
            })
    void rejectsDurationsThatHumantimeRejects(String written, String message) {
        assertThatThrownBy(() -> Units.duration(written))
                .isInstanceOf(InvalidUnitException.class)
                .hasMessage(message);
    }

    @ParameterizedTest(name = "{0} = {1} bit/s")
    @CsvSource({
        "500Kbps, 500000",
        "10Mbps, 10000000",
        "5Mbps, 5000000",
        "1Gbps, 1000000000",
        "1.5Gbps, 1500000000",
        "0.5Kbps, 500",
    })
    void parsesNetworkRatesAsDecimalBitsPerSecond(String written, long bitsPerSecond) {
        assertThat(Units.bitsPerSecond(written)).isEqualTo(bitsPerSecond);
    }

    @ParameterizedTest(name = "\"{0}\" is rejected with \"{1}\"")
    @CsvSource(
            delimiter = '|',
            value = {
                "10mbps   | Invalid network rate format: 10mbps (use e.g. 500Kbps, 10Mbps or 1.5Gbps)",
                "10MBps   | Invalid network rate format: 10MBps (use e.g. 500Kbps, 10Mbps or 1.5Gbps)",
                "10Tbps   | Invalid network rate format: 10Tbps (use e.g. 500Kbps, 10Mbps or 1.5Gbps)",
                "10       | Invalid network rate format: 10 (use e.g. 500Kbps, 10Mbps or 1.5Gbps)",
                "1.Mbps   | Invalid network rate format: 1.Mbps (use e.g. 500Kbps, 10Mbps or 1.5Gbps)",
                "10 Mbps  | Invalid network rate format: 10 Mbps (use e.g. 500Kbps, 10Mbps or 1.5Gbps)",
                "0Mbps    | Network rate must be at least 1 bit per second: 0Mbps (use e.g. 500Kbps, 10Mbps or 1.5Gbps)",
                "99999999999999999999Gbps | Network rate out of valid range: 99999999999999999999Gbps (use e.g."
                        + " 500Kbps, 10Mbps or 1.5Gbps)",
            })
    void rejectsNetworkRatesOutsideOrbitsFormat(String written, String message) {
        assertThatThrownBy(() -> Units.bitsPerSecond(written))
                .isInstanceOf(InvalidUnitException.class)
                .hasMessage(message);
    }

    @Test
    void treatsAYamlIntegerAndTheSameDecimalAlike() {
        assertThat(Units.memoryBytes(JsonNodeFactory.instance.numberNode(2)))
                .isEqualTo(Units.memoryBytes(JsonNodeFactory.instance.numberNode(2.0)));
    }
}
