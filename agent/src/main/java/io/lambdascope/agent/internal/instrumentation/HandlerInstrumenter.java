package io.lambdascope.agent.internal.instrumentation;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Rewrites handler methods in place with ASM: a call to {@link Hooks#enter} at entry, {@link Hooks#exit} before
 * every return, and a catch-all handler that calls {@link Hooks#exitThrown} and rethrows. The method keeps its
 * name, line numbers and frames, so stack traces of the function's exceptions stay exactly as without the agent.
 * The added handler's stack map frame declares no locals, so no type information (and no class loading) is
 * needed: the ClassWriter computes neither frames nor maxima.
 */
final class HandlerInstrumenter {
    /** The class the inserted calls name; derived from the class itself so a move cannot leave it stale. */
    static final String HOOKS = Hooks.class.getName().replace('.', '/');
    static final int API = Opcodes.ASM9;
    private static final String CONTEXT_DESC = "Lcom/amazonaws/services/lambda/runtime/Context;";
    private static final String OUTPUT_STREAM_DESC = "Ljava/io/OutputStream;";
    private static final String REQUEST_HANDLER = "com/amazonaws/services/lambda/runtime/RequestHandler";
    private static final String REQUEST_STREAM_HANDLER = "com/amazonaws/services/lambda/runtime/RequestStreamHandler";
    private static final Object[] NO_LOCALS = new Object[0];
    private static final Object[] THROWABLE_STACK = {"java/lang/Throwable"};

    private HandlerInstrumenter() {
    }

    static final class Result {
        private final byte[] bytes;
        private final String superName;

        Result(byte[] bytes, String superName) {
            this.bytes = bytes;
            this.superName = superName;
        }

        /** The rewritten class, or null when no method matched. */
        byte[] bytes() {
            return bytes;
        }

        String superName() {
            return superName;
        }
    }

    private static final byte[] HANDLER_INTERFACE_PREFIX =
            "com/amazonaws/services/lambda/runtime/Request".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    static boolean implementsHandlerInterface(byte[] classFile) {
        // A byte search first: most classes never mention the handler interfaces, and parsing is dearer.
        if (!contains(classFile, HANDLER_INTERFACE_PREFIX)) {
            return false;
        }
        ClassReader reader = new ClassReader(classFile);
        if ((reader.getAccess() & (Opcodes.ACC_INTERFACE | Opcodes.ACC_ABSTRACT)) != 0) {
            return false;
        }
        for (String itf : reader.getInterfaces()) {
            if (itf.equals(REQUEST_HANDLER) || itf.equals(REQUEST_STREAM_HANDLER)) {
                return true;
            }
        }
        return false;
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        byte first = needle[0];
        int last = haystack.length - needle.length;
        outer:
        for (int i = 0; i <= last; i++) {
            if (haystack[i] != first) {
                continue;
            }
            for (int k = 1; k < needle.length; k++) {
                if (haystack[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /**
     * @param named true when the class was named by {@code _HANDLER} (any public method of that name with up to
     *              three parameters); false for interface matches (handleRequest taking a Context last)
     */
    static Result instrumentHandler(byte[] classFile, String methodName, boolean named) {
        ClassReader reader = new ClassReader(classFile);
        ClassWriter writer = new ClassWriter(reader, 0);
        HandlerClassVisitor visitor = new HandlerClassVisitor(writer, methodName, named);
        reader.accept(visitor, 0);
        return new Result(visitor.instrumented > 0 ? writer.toByteArray() : null, reader.getSuperName());
    }

    private static final class HandlerClassVisitor extends ClassVisitor {
        private final String methodName;
        private final boolean named;
        private boolean frames;
        int instrumented;

        HandlerClassVisitor(ClassVisitor next, String methodName, boolean named) {
            super(API, next);
            this.methodName = methodName;
            this.named = named;
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName,
                          String[] interfaces) {
            // Class files before Java 6 have no stack map frames; Java 6 ones may fall back to type inference.
            frames = (version & 0xFFFF) >= Opcodes.V1_6;
            super.visit(version, access, name, signature, superName, interfaces);
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                         String[] exceptions) {
            MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
            if (!name.equals(methodName)
                    || (access & (Opcodes.ACC_BRIDGE | Opcodes.ACC_SYNTHETIC | Opcodes.ACC_ABSTRACT
                    | Opcodes.ACC_NATIVE)) != 0) {
                return mv;
            }
            Type[] params = Type.getArgumentTypes(descriptor);
            int contextIndex = -1;
            for (int i = 0; i < params.length; i++) {
                if (params[i].getDescriptor().equals(CONTEXT_DESC)) {
                    contextIndex = i;
                }
            }
            if (named) {
                if ((access & Opcodes.ACC_PUBLIC) == 0 || params.length > 3) {
                    return mv;
                }
            } else if ((params.length != 2 && params.length != 3) || contextIndex != params.length - 1) {
                return mv;
            }
            int outputIndex = -1;
            for (int i = 0; i < params.length; i++) {
                if (i != contextIndex && params[i].getDescriptor().equals(OUTPUT_STREAM_DESC)) {
                    outputIndex = i;
                }
            }
            int inputIndex = -1;
            for (int i = 0; i < params.length; i++) {
                int sort = params[i].getSort();
                if (i != contextIndex && i != outputIndex && (sort == Type.OBJECT || sort == Type.ARRAY)) {
                    inputIndex = i;
                    break;
                }
            }
            boolean isStatic = (access & Opcodes.ACC_STATIC) != 0;
            int slot = isStatic ? 0 : 1;
            int inputSlot = -1;
            int outputSlot = -1;
            int contextSlot = -1;
            for (int i = 0; i < params.length; i++) {
                if (i == inputIndex) {
                    inputSlot = slot;
                }
                if (i == outputIndex) {
                    outputSlot = slot;
                }
                if (i == contextIndex) {
                    contextSlot = slot;
                }
                slot += params[i].getSize();
            }
            instrumented++;
            return new HandlerMethodVisitor(mv, inputSlot, outputSlot, contextSlot, frames);
        }
    }

    private static final class HandlerMethodVisitor extends MethodVisitor {
        private final int inputSlot;
        private final int outputSlot;
        private final int contextSlot;
        private final boolean frames;
        private final Label start = new Label();
        private final Label end = new Label();
        private final Label handler = new Label();

        HandlerMethodVisitor(MethodVisitor next, int inputSlot, int outputSlot, int contextSlot, boolean frames) {
            super(API, next);
            this.inputSlot = inputSlot;
            this.outputSlot = outputSlot;
            this.contextSlot = contextSlot;
            this.frames = frames;
        }

        @Override
        public void visitCode() {
            super.visitCode();
            load(inputSlot);
            load(outputSlot);
            load(contextSlot);
            super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, "enter",
                    "(Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;)V", false);
            super.visitLabel(start);
        }

        private void load(int slot) {
            if (slot >= 0) {
                super.visitVarInsn(Opcodes.ALOAD, slot);
            } else {
                super.visitInsn(Opcodes.ACONST_NULL);
            }
        }

        @Override
        public void visitInsn(int opcode) {
            if (opcode == Opcodes.ARETURN) {
                super.visitInsn(Opcodes.DUP);
                super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, "exit", "(Ljava/lang/Object;)V", false);
            } else if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
                super.visitInsn(Opcodes.ACONST_NULL);
                super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, "exit", "(Ljava/lang/Object;)V", false);
            }
            super.visitInsn(opcode);
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            super.visitLabel(end);
            super.visitLabel(handler);
            if (frames) {
                // Every local is TOP here: whatever types the body holds in them are assignable to it.
                super.visitFrame(Opcodes.F_FULL, 0, NO_LOCALS, 1, THROWABLE_STACK);
            }
            super.visitInsn(Opcodes.DUP);
            super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, "exitThrown", "(Ljava/lang/Throwable;)V", false);
            super.visitInsn(Opcodes.ATHROW);
            // Registered last, so the method's own handlers keep precedence in the exception table.
            super.visitTryCatchBlock(start, end, handler, null);
            super.visitMaxs(Math.max(maxStack + 1, 3), maxLocals);
        }
    }
}
