package dev.fermion.dsl.processing;

import dev.fermion.dsl.FermionPipeline;
import java.io.IOException;
import java.io.Writer;
import java.util.Set;
import java.util.TreeSet;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedAnnotationTypes;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeMirror;
import javax.tools.Diagnostic;
import javax.tools.FileObject;
import javax.tools.StandardLocation;

/**
 * Writes {@value FermionPipeline#INDEX} for the elements annotated with {@link FermionPipeline}, after checking
 * that each can be reached as the command line reaches it (public, static, no parameters, the right type), so
 * a mistake is a compile error rather than a pipeline missing from {@code fermion list}.
 */
@SupportedAnnotationTypes("dev.fermion.dsl.FermionPipeline")
public final class PipelineIndexProcessor extends AbstractProcessor {
    private final Set<String> entries = new TreeSet<>();

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        for (Element element : round.getElementsAnnotatedWith(FermionPipeline.class)) {
            String entry = entry(element);
            if (entry != null) {
                entries.add(entry);
            }
        }
        if (round.processingOver() && !entries.isEmpty()) {
            write();
        }
        return false;
    }

    private String entry(Element element) {
        TypeElement owner = element.getKind() == ElementKind.CLASS
                ? (TypeElement) element
                : (TypeElement) element.getEnclosingElement();
        if (!isReachable(owner)) {
            return error(
                    element,
                    "@FermionPipeline needs a public top-level or public static nested class; "
                            + owner.getQualifiedName() + " is not");
        }
        String className = processingEnv.getElementUtils().getBinaryName(owner).toString();
        switch (element.getKind()) {
            case CLASS:
                if (!processingEnv
                        .getTypeUtils()
                        .isAssignable(element.asType(), type("dev.fermion.dsl.PipelineSource"))) {
                    return error(
                            element,
                            "@FermionPipeline on a class needs the class to implement PipelineSource; "
                                    + "or put it on a public static method returning the Pipeline");
                }
                return className;
            case METHOD:
                ExecutableElement method = (ExecutableElement) element;
                if (!method.getModifiers().containsAll(Set.of(Modifier.PUBLIC, Modifier.STATIC))
                        || !method.getParameters().isEmpty()
                        || !returnsPipeline(method.getReturnType())) {
                    return error(
                            element,
                            "@FermionPipeline on a method needs a public static method without parameters "
                                    + "that returns a Pipeline");
                }
                return className + "#" + method.getSimpleName();
            case FIELD:
                if (!element.getModifiers().containsAll(Set.of(Modifier.PUBLIC, Modifier.STATIC))
                        || !returnsPipeline(element.asType())) {
                    return error(element, "@FermionPipeline on a field needs a public static Pipeline field");
                }
                return className + "#" + element.getSimpleName();
            default:
                return error(element, "@FermionPipeline goes on a method, a field or a class");
        }
    }

    private boolean isReachable(TypeElement type) {
        for (Element e = type; e instanceof TypeElement t; e = t.getEnclosingElement()) {
            if (!t.getModifiers().contains(Modifier.PUBLIC)
                    || (t.getNestingKind().isNested() && !t.getModifiers().contains(Modifier.STATIC))) {
                return false;
            }
        }
        return true;
    }

    private boolean returnsPipeline(TypeMirror type) {
        return processingEnv.getTypeUtils().isSameType(type, type("dev.fermion.dsl.Pipeline"));
    }

    private TypeMirror type(String name) {
        return processingEnv.getElementUtils().getTypeElement(name).asType();
    }

    private String error(Element element, String message) {
        processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, message, element);
        return null;
    }

    private void write() {
        try {
            FileObject index =
                    processingEnv.getFiler().createResource(StandardLocation.CLASS_OUTPUT, "", FermionPipeline.INDEX);
            try (Writer out = index.openWriter()) {
                for (String entry : entries) {
                    out.write(entry);
                    out.write('\n');
                }
            }
        } catch (IOException e) {
            processingEnv
                    .getMessager()
                    .printMessage(
                            Diagnostic.Kind.ERROR, "cannot write " + FermionPipeline.INDEX + ": " + e.getMessage());
        }
    }
}
