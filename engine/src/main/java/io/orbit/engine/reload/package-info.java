/**
 * Following the config directory: a watcher that notices every create, modify, delete and rename (editor saves,
 * nested directories, relative or absolute paths), and the reload that turns the directory into the desired state
 * without ever letting a bad file touch the running version of its service.
 */
@NullMarked
package io.orbit.engine.reload;

import org.jspecify.annotations.NullMarked;
