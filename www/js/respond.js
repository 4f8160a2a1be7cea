// The respondent page: mounts a FormView for the plan's public survey (or ?instrument=…).
import { FormView } from './form-view.js';
import { startPage } from './form.js';
import { registerOffline } from './offline.js';

startPage(FormView, {}, () => registerOffline());
