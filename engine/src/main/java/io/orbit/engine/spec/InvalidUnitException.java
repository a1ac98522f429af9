package io.orbit.engine.spec;

/** A unit value (memory, CPU, duration, network rate) that cannot be parsed; the message says why and what to write. */
public final class InvalidUnitException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public InvalidUnitException(String message) {
        super(message);
    }

    /** Never null: the only constructor takes it. */
    @Override
    public String getMessage() {
        return String.valueOf(super.getMessage());
    }
}
