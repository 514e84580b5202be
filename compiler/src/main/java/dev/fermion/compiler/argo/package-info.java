/**
 * The subset of Argo's Workflow, WorkflowTemplate and CronWorkflow resources that Fermion emits, as
 * immutable records serialised with Jackson. Kubernetes types (containers, volumes, affinity...) come from
 * the fabric8 model; nothing here depends on an Argo client. Components are declared in the order they
 * should appear in the YAML, so output stays readable and stable.
 */
package dev.fermion.compiler.argo;
