package io.lambdascope.agent.internal.instrumentation;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Adds a call to {@link Hooks#awsServiceException} at the end of each constructor of the AWS SDK v2's
 * {@code AwsServiceException}, where the error details are set. A class apart from the handler rewriting, so
 * its classes load only in functions that use the SDK.
 */
final class ServiceExceptionInstrumenter {
    static final String CLASS_NAME = "software/amazon/awssdk/awscore/exception/AwsServiceException";

    private ServiceExceptionInstrumenter() {
    }

    static byte[] instrument(byte[] classFile) {
        ClassReader reader = new ClassReader(classFile);
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(new ConstructorsVisitor(writer), 0);
        return writer.toByteArray();
    }

    private static final class ConstructorsVisitor extends ClassVisitor {
        ConstructorsVisitor(ClassVisitor next) {
            super(HandlerInstrumenter.API, next);
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                         String[] exceptions) {
            MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
            return name.equals("<init>") ? new ConstructorExitVisitor(mv) : mv;
        }
    }

    private static final class ConstructorExitVisitor extends MethodVisitor {
        ConstructorExitVisitor(MethodVisitor next) {
            super(HandlerInstrumenter.API, next);
        }

        @Override
        public void visitInsn(int opcode) {
            if (opcode == Opcodes.RETURN) {
                super.visitVarInsn(Opcodes.ALOAD, 0);
                super.visitMethodInsn(Opcodes.INVOKESTATIC, HandlerInstrumenter.HOOKS, "awsServiceException",
                        "(Ljava/lang/Object;)V", false);
            }
            super.visitInsn(opcode);
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            super.visitMaxs(Math.max(maxStack, 1) + 1, maxLocals);
        }
    }
}
