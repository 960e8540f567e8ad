package dev.adjoint.processor;

import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.Completion;
import javax.annotation.processing.Filer;
import javax.annotation.processing.FilerException;
import javax.annotation.processing.Messager;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;
import javax.tools.FileObject;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;

/**
 * The Adjoint processor run the way build tools run it: behind a {@link ProcessingEnvironment}
 * that wraps javac's. Gradle's incremental processing passes a class keeping javac's environment
 * in a field named {@code delegate} (and its own filer, which records what each processor
 * writes); IntelliJ's build passes a {@link Proxy}. javac's {@code Trees.instance} refuses both.
 */
final class WrappingProcessor implements Processor {
  /** How javac's environment reaches the Adjoint processor. */
  enum Wrapping {
    /** In a field named {@code delegate} of a class of the build tool's (Gradle). */
    DELEGATE_FIELD,
    /** In the handler of a {@link Proxy} (IntelliJ). */
    PROXY,
    /** Not at all: the wrapper keeps javac's messager, filer and utilities, not the environment. */
    OPAQUE,
    /** As {@link #DELEGATE_FIELD}, with a filer that refuses to create source files. */
    FAILING_FILER
  }

  /** The message of the exception the failing filer throws. */
  static final String REFUSED = "the build tool's filer refused to write";

  private final Processor adjoint = new AdjointProcessor();
  private final Wrapping wrapping;
  /** The names the processor created files under, through the wrapper's filer. */
  final List<String> created = new ArrayList<>();

  WrappingProcessor(Wrapping wrapping) {
    this.wrapping = wrapping;
  }

  @Override
  public void init(ProcessingEnvironment javacs) {
    Filer filer = new RecordingFiler(javacs.getFiler(), wrapping == Wrapping.FAILING_FILER);
    adjoint.init(switch (wrapping) {
      case DELEGATE_FIELD, FAILING_FILER -> new DelegatingEnvironment(javacs, filer);
      case PROXY -> (ProcessingEnvironment) Proxy.newProxyInstance(
          getClass().getClassLoader(), new Class<?>[] {ProcessingEnvironment.class},
          new ForwardingHandler(javacs));
      case OPAQUE -> new OpaqueEnvironment(javacs, filer);
    });
  }

  @Override
  public Set<String> getSupportedOptions() {
    return adjoint.getSupportedOptions();
  }

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return adjoint.getSupportedAnnotationTypes();
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return adjoint.getSupportedSourceVersion();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    return adjoint.process(annotations, round);
  }

  @Override
  public Iterable<? extends Completion> getCompletions(Element element,
      AnnotationMirror annotation, ExecutableElement member, String userText) {
    return adjoint.getCompletions(element, annotation, member, userText);
  }

  /** Gradle's shape: javac's environment in {@code delegate}, the build tool's own filer. */
  static final class DelegatingEnvironment implements ProcessingEnvironment {
    private final ProcessingEnvironment delegate;
    private final Filer filer;

    DelegatingEnvironment(ProcessingEnvironment delegate, Filer filer) {
      this.delegate = delegate;
      this.filer = filer;
    }

    @Override
    public Map<String, String> getOptions() {
      return delegate.getOptions();
    }

    @Override
    public Messager getMessager() {
      return delegate.getMessager();
    }

    @Override
    public Filer getFiler() {
      return filer;
    }

    @Override
    public Elements getElementUtils() {
      return delegate.getElementUtils();
    }

    @Override
    public Types getTypeUtils() {
      return delegate.getTypeUtils();
    }

    @Override
    public SourceVersion getSourceVersion() {
      return delegate.getSourceVersion();
    }

    @Override
    public Locale getLocale() {
      return delegate.getLocale();
    }

    @Override
    public boolean isPreviewEnabled() {
      return delegate.isPreviewEnabled();
    }
  }

  /** IntelliJ's shape: every call forwarded to the environment the handler holds. */
  static final class ForwardingHandler implements InvocationHandler {
    private final ProcessingEnvironment target;

    ForwardingHandler(ProcessingEnvironment target) {
      this.target = target;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      try {
        return method.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }
  }

  /** Javac's parts without javac's environment: nothing leads back to it. */
  static final class OpaqueEnvironment implements ProcessingEnvironment {
    private final Map<String, String> options;
    private final Messager messager;
    private final Filer filer;
    private final Elements elements;
    private final Types types;
    private final SourceVersion sourceVersion;
    private final Locale locale;

    OpaqueEnvironment(ProcessingEnvironment javacs, Filer filer) {
      this.options = javacs.getOptions();
      this.messager = javacs.getMessager();
      this.filer = filer;
      this.elements = javacs.getElementUtils();
      this.types = javacs.getTypeUtils();
      this.sourceVersion = javacs.getSourceVersion();
      this.locale = javacs.getLocale();
    }

    @Override
    public Map<String, String> getOptions() {
      return options;
    }

    @Override
    public Messager getMessager() {
      return messager;
    }

    @Override
    public Filer getFiler() {
      return filer;
    }

    @Override
    public Elements getElementUtils() {
      return elements;
    }

    @Override
    public Types getTypeUtils() {
      return types;
    }

    @Override
    public SourceVersion getSourceVersion() {
      return sourceVersion;
    }

    @Override
    public Locale getLocale() {
      return locale;
    }
  }

  /** Records the name of every file created through it, as Gradle's filer does. */
  final class RecordingFiler implements Filer {
    private final Filer javacs;
    private final boolean refuseSources;

    RecordingFiler(Filer javacs, boolean refuseSources) {
      this.javacs = javacs;
      this.refuseSources = refuseSources;
    }

    @Override
    public JavaFileObject createSourceFile(CharSequence name, Element... originatingElements)
        throws IOException {
      if (refuseSources) {
        throw new FilerException(REFUSED);
      }
      created.add(name.toString());
      return javacs.createSourceFile(name, originatingElements);
    }

    @Override
    public JavaFileObject createClassFile(CharSequence name, Element... originatingElements)
        throws IOException {
      created.add(name.toString());
      return javacs.createClassFile(name, originatingElements);
    }

    @Override
    public FileObject createResource(JavaFileManager.Location location, CharSequence moduleAndPkg,
        CharSequence relativeName, Element... originatingElements) throws IOException {
      created.add(relativeName.toString());
      return javacs.createResource(location, moduleAndPkg, relativeName, originatingElements);
    }

    @Override
    public FileObject getResource(JavaFileManager.Location location, CharSequence moduleAndPkg,
        CharSequence relativeName) throws IOException {
      return javacs.getResource(location, moduleAndPkg, relativeName);
    }
  }
}
