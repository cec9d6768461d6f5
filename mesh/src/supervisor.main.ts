// Entry point of the detached mesh supervisor process.
import './supervisor.js';
