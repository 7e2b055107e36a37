import { IsString } from 'class-validator';
import { FormValidationException } from '../domain.exception';
import { validateAs } from '../validation-pipe';
import { checkboxFieldsOf, CheckboxField, isTicked, withUnticked } from './checkbox-field';

class ParentForm {
  @IsString()
  name: string;

  @CheckboxField()
  active: boolean;
}

class ChildForm extends ParentForm {
  @CheckboxField()
  notify: boolean;
}

describe('CheckboxField', () => {
  it.each([true, '1', 'on', 'true', ['0', '1']])('reads %j as ticked', (value) => {
    expect(isTicked(value)).toBe(true);
  });

  it.each([undefined, null, '', '0', 'false', 'off', 'yes', 0, 1, false, {}, [], ['1', '0']])('reads %j as unticked', (value) => {
    expect(isTicked(value)).toBe(false);
  });

  it('turns a box the post did not send into false through the real validation pipe', async () => {
    await expect(validateAs(ChildForm, { name: 'x' })).resolves.toEqual(Object.assign(new ChildForm(), { name: 'x', active: false, notify: false }));
    await expect(validateAs(ChildForm, { name: 'x', active: 'on', notify: '1' })).resolves.toMatchObject({ active: true, notify: true });
  });

  it('never lets a checkbox make a form invalid', async () => {
    await expect(validateAs(ChildForm, { name: 'x', active: { nested: 'object' }, notify: ['a', 'b'] })).resolves.toMatchObject({ active: false, notify: false });
    const refused = await validateAs(ChildForm, { active: '1' }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(FormValidationException);
    expect(Object.keys((refused as FormValidationException).errors)).toEqual(['name']);
  });

  it("knows the checkboxes of a form, a parent class's included, without adding the child's to the parent", () => {
    expect(checkboxFieldsOf(ChildForm)).toEqual(['active', 'notify']);
    expect(checkboxFieldsOf(ParentForm)).toEqual(['active']);
    class NoBoxes {}
    expect(checkboxFieldsOf(NoBoxes)).toEqual([]);
  });

  it("shows a rejected form's missing boxes as unticked and keeps every other value as typed", () => {
    const rejected = { values: { name: 'typed', notify: '1' }, errors: { name: { key: 'validation.required' } } };
    expect(withUnticked(ChildForm, rejected)).toEqual({ values: { name: 'typed', active: false, notify: true }, errors: rejected.errors });
    expect(withUnticked(ChildForm, undefined)).toBeUndefined();
  });
});
