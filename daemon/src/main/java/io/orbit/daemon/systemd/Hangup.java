package io.orbit.daemon.systemd;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an action on SIGHUP ({@code systemctl reload}). The JDK's only hook is {@code sun.misc.Signal}; it is reached
 * reflectively so the build's "no internal API" warnings stay errors everywhere else.
 */
public final class Hangup {

    private static final Logger log = LoggerFactory.getLogger(Hangup.class);

    private Hangup() {}

    /** Returns false (and logs why) when this JVM cannot handle SIGHUP. */
    public static boolean onHangup(Runnable action) {
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Object handler = Proxy.newProxyInstance(
                    Hangup.class.getClassLoader(), new Class<?>[] {handlerClass}, (proxy, method, args) -> {
                        if (method.getName().equals("handle")) {
                            Thread.ofPlatform().name("orbit-reload").start(action);
                        }
                        return null;
                    });
            Object hup = signalClass.getConstructor(String.class).newInstance("HUP");
            Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
            handle.invoke(null, hup, handler);
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.atWarn().log("SIGHUP will not reload the configuration: " + e);
            return false;
        }
    }
}
