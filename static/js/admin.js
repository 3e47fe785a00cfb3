// The admin's page of one event's links: copy buttons.
import { enableCopyButtons } from "./lib/console/copy-buttons.js";

enableCopyButtons();
