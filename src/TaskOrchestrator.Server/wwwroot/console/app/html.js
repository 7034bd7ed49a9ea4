// htm bound to Preact: components are written as tagged templates, which escape every interpolated value as text.
import { h } from 'preact';
import htm from 'htm';

export const html = htm.bind(h);
