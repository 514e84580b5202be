package dev.fermion.runtime.local;

import java.util.Map;
import java.util.TreeMap;

/** A step's resolved inputs: parameters as encoded text, artifacts with their directories and digests. */
record Inputs(Map<String, String> params, Map<String, Resolved> artifacts) {
    Map<String, String> digests() {
        Map<String, String> digests = new TreeMap<>();
        artifacts.forEach((k, v) -> digests.put(k, v.digest()));
        return digests;
    }
}
