package io.lambdascope.agent.internal.instrumentation;

import com.amazonaws.services.lambda.runtime.Context;

/** Handler methods of awkward shapes for the bytecode rewriter: all named {@code handle}. */
public class Shapes {
    public static int handle(int a, long b, double c) {
        int sum = 0;
        for (int i = 0; i < a; i++) {
            switch (i % 3) {
                case 0:
                    sum += (int) b;
                    break;
                case 1:
                    if (sum > 1000) {
                        return sum;
                    }
                    sum += (int) c;
                    break;
                default:
                    sum--;
            }
        }
        return sum;
    }

    public String handle(String s, Context context) {
        StringBuilder sb = new StringBuilder();
        try {
            if (s == null) {
                return "null";
            }
            sb.append(Integer.parseInt(s));
        } catch (NumberFormatException e) {
            sb.append("nan");
        } finally {
            sb.append('!');
        }
        return sb.toString();
    }

    public synchronized void handle(Object o) {
        if (o instanceof RuntimeException) {
            throw (RuntimeException) o;
        }
    }

    public long handle() {
        long x = 1;
        Object lock = this;
        synchronized (lock) {
            x <<= 40;
        }
        return x;
    }

    public double[] handle(double[] values, Context context) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i] * 2;
        }
        return handle(out);
    }

    public double[] handle(double[] values) {
        return values;
    }
}
