package dev.flywheel.statemachines.runtime;

import com.fasterxml.jackson.databind.JsonNode;

/** The result of running one state: where to go next (null at the end of a scope) and the state output. */
record Transition(String next, JsonNode output) { }
