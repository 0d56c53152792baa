package io.lambdascope.agent.internal.instrumentation;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Adds a call to a static method of {@link Hooks} before each {@code return} of chosen void methods of a class
 * that is not the handler: the AWS SDK v2's {@code AwsServiceException} constructors (where the error details are
 * set: throttle recording) and the runtime interface client's methods that post an invocation's response or error
 * (the moment the caller has its answer, after which the extension may send). Apart from the handler rewriting,
 * so its classes load only where such a class does.
 */
final class ReturnHookInstrumenter {
    static final String SERVICE_EXCEPTION = "software/amazon/awssdk/awscore/exception/AwsServiceException";
    /** The official runtime interface client's Runtime API client (2.x), which Lambda's Java runtimes run. */
    static final String RUNTIME_CLIENT =
            "com/amazonaws/services/lambda/runtime/api/client/runtimeapi/LambdaRuntimeApiClientImpl";

    private final String[] methods;
    private final String hook;
    /** Whether the hook takes {@code this} (an Object) or nothing. */
    private final boolean passThis;

    private ReturnHookInstrumenter(String[] methods, String hook, boolean passThis) {
        this.methods = methods;
        this.hook = hook;
        this.passThis = passThis;
    }

    static byte[] serviceException(byte[] classFile) {
        return new ReturnHookInstrumenter(new String[] {"<init>"}, "awsServiceException", true).instrument(classFile);
    }

    /** Null when the class has neither posting method (another version of the client): nothing to hook. */
    static byte[] runtimeClient(byte[] classFile) {
        return new ReturnHookInstrumenter(new String[] {"reportInvocationSuccess", "reportInvocationError"},
                "responsePosted", false).instrument(classFile);
    }

    private byte[] instrument(byte[] classFile) {
        ClassReader reader = new ClassReader(classFile);
        ClassWriter writer = new ClassWriter(reader, 0);
        MethodsVisitor visitor = new MethodsVisitor(writer);
        reader.accept(visitor, 0);
        return visitor.hooked ? writer.toByteArray() : null;
    }

    private boolean chosen(String name, String descriptor) {
        if (!descriptor.endsWith(")V")) {
            return false;
        }
        for (String m : methods) {
            if (m.equals(name)) {
                return true;
            }
        }
        return false;
    }

    private final class MethodsVisitor extends ClassVisitor {
        boolean hooked;

        MethodsVisitor(ClassVisitor next) {
            super(HandlerInstrumenter.API, next);
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                         String[] exceptions) {
            MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
            if ((access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE | Opcodes.ACC_STATIC)) != 0
                    || !chosen(name, descriptor)) {
                return mv;
            }
            hooked = true;
            return new ReturnVisitor(mv);
        }
    }

    private final class ReturnVisitor extends MethodVisitor {
        ReturnVisitor(MethodVisitor next) {
            super(HandlerInstrumenter.API, next);
        }

        @Override
        public void visitInsn(int opcode) {
            if (opcode == Opcodes.RETURN) {
                if (passThis) {
                    super.visitVarInsn(Opcodes.ALOAD, 0);
                }
                super.visitMethodInsn(Opcodes.INVOKESTATIC, HandlerInstrumenter.HOOKS, hook,
                        passThis ? "(Ljava/lang/Object;)V" : "()V", false);
            }
            super.visitInsn(opcode);
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            super.visitMaxs(Math.max(maxStack, 1) + 1, maxLocals);
        }
    }
}
