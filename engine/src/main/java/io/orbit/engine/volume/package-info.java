/**
 * Volumes of pods: what a container's {@code volume_mounts} become on the engine.
 *
 * <ul>
 *   <li>{@code files}: written by {@link io.orbit.engine.volume.InlineFiles} under {@code
 *       <volume-dir>/files/<instance>/<service>/<config-hash>/<volume>/}, one directory per version of the service's
 *       pod spec, shared by every pod of that version and bind-mounted (read-only by default). The directory lives as
 *       long as a pod of that version exists; {@link io.orbit.engine.volume.PodVolumes#sweep} removes it afterwards,
 *       and removes the service's whole directory once the service is deleted and its last pod is gone.
 *   <li>{@code host_path}: bind-mounted as is ({@code sub_path} picks one file or directory below it).
 *   <li>{@code named_volume}: created in the engine with its labels and driver options if absent, mounted by name;
 *       never removed by the daemon (it holds data).
 * </ul>
 */
@NullMarked
package io.orbit.engine.volume;

import org.jspecify.annotations.NullMarked;
