package dev.fermion.submit;

/** Hears about a workflow being watched; calls may come from several threads. */
public interface WorkflowListener {
    /** The workflow changed; called with every new state, in order. */
    void changed(WorkflowState state);

    /** One line a step's {@code main} container wrote. */
    void log(String step, String line);
}
