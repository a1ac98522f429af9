/**
 * Image updates: {@link io.orbit.engine.image.ImageWatcher} resolves every service's image references each {@code
 * image_check_interval} (pulling with {@code pull_policy: Always}, else reading the local tag) and, when running
 * containers were created from an older image than the tag now names, asks for a rollout through {@link
 * io.orbit.engine.state.DesiredState#restart}. The reconciler replaces the pods; the watcher never touches one.
 */
@NullMarked
package io.orbit.engine.image;

import org.jspecify.annotations.NullMarked;
