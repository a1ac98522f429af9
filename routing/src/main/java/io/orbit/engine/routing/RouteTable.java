package io.orbit.engine.routing;

import java.util.Map;
import java.util.Optional;

/** Every node port's route, as one immutable snapshot; {@code version} grows with every change. */
public record RouteTable(long version, Map<Integer, Route> routes) {

    public static final RouteTable EMPTY = new RouteTable(0, Map.of());

    public RouteTable {
        routes = Map.copyOf(routes);
    }

    public Optional<Route> route(int nodePort) {
        return Optional.ofNullable(routes.get(nodePort));
    }
}
