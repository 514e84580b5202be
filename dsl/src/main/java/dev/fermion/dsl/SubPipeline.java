package dev.fermion.dsl;

/**
 * A pipeline fragment used as one step of another pipeline. It declares ports like a {@link Component};
 * its body reads its inputs with {@link Dag#input} and exports results with {@link Dag#output}.
 */
public abstract class SubPipeline extends Definition {

    protected abstract void define(Dag dag);

    final void defineInto(Dag dag) {
        define(dag);
    }
}
