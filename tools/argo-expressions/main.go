// Command argo-expressions evaluates what Fermion compiles into a workflow with Argo Workflows' own
// template and expression code, so the compiler's tests can show how a real controller reads it.
//
// It reads one JSON request per line on stdin and answers one JSON line per request on stdout:
//
//	{"text": "...", "params": {"workflow.parameters.x": "..."}, "when": true}
//
// "text" is substituted with Argo's ReplaceStrict (as the DAG controller resolves a task, strict for
// tasks.* and steps.* references) and, when "when" is set, the result is evaluated as a DAG task's `when`
// is: govaluate, with bare words read as strings. With "expression" set instead, "text" is an expression
// evaluated as a DAG template's output `valueFrom.expression` is (wfScope.resolveParameter in
// workflow/controller/scope.go): expr-lang over Argo's function map, the result as a parameter value.
// The answer is {"result": "...", "holds": true} or {"error": "..."}.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/Knetic/govaluate"
	"github.com/expr-lang/expr"

	exprenv "github.com/argoproj/argo-workflows/v4/util/expr/env"
	"github.com/argoproj/argo-workflows/v4/util/logging"
	"github.com/argoproj/argo-workflows/v4/util/template"
)

type request struct {
	Text       string            `json:"text"`
	Params     map[string]string `json:"params"`
	When       bool              `json:"when"`
	Expression bool              `json:"expression"`
}

type answer struct {
	Result *string `json:"result,omitempty"`
	Holds  *bool  `json:"holds,omitempty"`
	Error  string `json:"error,omitempty"`
}

func main() {
	ctx := logging.WithLogger(context.Background(), logging.NewSlogLogger(logging.Error, logging.Text))
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 0, 1<<20), 64<<20)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		var req request
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			fail(out, fmt.Errorf("bad request: %w", err))
			continue
		}
		if err := out.Encode(evaluate(ctx, req)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func fail(out *json.Encoder, err error) {
	_ = out.Encode(answer{Error: err.Error()})
}

func evaluate(ctx context.Context, req request) answer {
	if req.Expression {
		return output(req)
	}
	// The controller substitutes into the JSON form of a task, so the text travels as a JSON string.
	quoted, err := json.Marshal(req.Text)
	if err != nil {
		return answer{Error: err.Error()}
	}
	replaced, err := template.ReplaceStrict(ctx, string(quoted), req.Params, []string{"tasks", "steps"})
	if err != nil {
		return answer{Error: err.Error()}
	}
	var result string
	if err := json.Unmarshal([]byte(replaced), &result); err != nil {
		return answer{Error: err.Error()}
	}
	if !req.When {
		return answer{Result: &result}
	}
	holds, err := when(result)
	if err != nil {
		return answer{Result: &result, Error: err.Error()}
	}
	return answer{Result: &result, Holds: &holds}
}

// when reads a substituted condition the way Argo's DAG and steps controllers do (shouldExecute in
// workflow/controller/steps.go of v4.0.5): govaluate, with its variables turned into strings so that
// unquoted words compare as text.
func when(condition string) (bool, error) {
	if condition == "" {
		return true, nil
	}
	expression, err := govaluate.NewEvaluableExpression(condition)
	if err != nil {
		return false, fmt.Errorf("invalid 'when' expression '%s': %w", condition, err)
	}
	tokens := expression.Tokens()
	for i, token := range tokens {
		if token.Kind == govaluate.VARIABLE {
			token.Kind = govaluate.STRING
			tokens[i] = token
		}
	}
	expression, err = govaluate.NewEvaluableExpressionFromTokens(tokens)
	if err != nil {
		return false, fmt.Errorf("failed to parse 'when' expression '%s': %w", condition, err)
	}
	result, err := expression.Evaluate(nil)
	if err != nil {
		return false, fmt.Errorf("failed to evaluate 'when' expression '%s': %w", condition, err)
	}
	holds, ok := result.(bool)
	if !ok {
		return false, fmt.Errorf("expected a boolean from '%s', got %v", condition, result)
	}
	return holds, nil
}

// output evaluates a DAG output's valueFrom.expression as wfScope.resolveParameter does, and writes the
// result as Argo stores it in the output parameter (AnyStringPtr: fmt's %v).
func output(req request) answer {
	scope := make(map[string]interface{})
	for k, v := range req.Params {
		scope[k] = v
	}
	env := exprenv.GetFuncMap(scope)
	program, err := expr.Compile(req.Text, expr.Env(env))
	if err != nil {
		return answer{Error: err.Error()}
	}
	value, err := expr.Run(program, env)
	if err != nil {
		return answer{Error: err.Error()}
	}
	result := fmt.Sprintf("%v", value)
	return answer{Result: &result}
}
