package dev.fermion.compiler.argo;

public record Memoize(String key, String maxAge, Cache cache) {

    public record Cache(ConfigMapRef configMap) {}

    public record ConfigMapRef(String name) {}

    public static Memoize inConfigMap(String key, String maxAge, String configMap) {
        return new Memoize(key, maxAge, new Cache(new ConfigMapRef(configMap)));
    }
}
